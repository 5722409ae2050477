package dev.quarry.agents.model;

import java.util.Objects;

/**
 * What an agent is, as a session runs it: its model (a catalog id or alias, as given) and its
 * instructions. Tools, reasoning, limits and compaction join in later slices.
 *
 * @param name         a display name, may be {@code null}
 * @param instructions may be {@code null}
 */
public record AgentSpec(String name, String model, String instructions) {
    public AgentSpec {
        Objects.requireNonNull(model, "model");
    }

    public AgentSpec withModel(String newModel) {
        return new AgentSpec(name, newModel, instructions);
    }
}
