package dev.quarry.agents.model;

import java.util.List;
import java.util.Map;

/**
 * A saved agent's create or update request, decoded. On create {@code model} is required; on
 * update each field {@code null} is left as it is.
 */
public record AgentDraft(String name, String model, String instructions, List<AgentTool> tools, Boolean compaction,
                         Map<String, String> metadata) {}
