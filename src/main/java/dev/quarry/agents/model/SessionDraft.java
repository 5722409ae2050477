package dev.quarry.agents.model;

import java.util.Map;

/**
 * A session create request, decoded: exactly one of an inline {@code agent} or a saved {@code agentId}.
 */
public record SessionDraft(AgentSpec agent, String agentId, Map<String, String> metadata) {
    public SessionDraft {
        metadata = Map.copyOf(metadata);
        if ((agent == null) == (agentId == null)) throw new IllegalArgumentException("exactly one of agent and agentId");
    }
}
