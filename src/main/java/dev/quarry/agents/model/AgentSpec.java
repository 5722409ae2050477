package dev.quarry.agents.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an agent is, as a session runs it: its model (a catalog id or alias, as given), its
 * instructions and its tools.
 *
 * @param name         a display name, may be {@code null}
 * @param instructions may be {@code null}
 * @param compaction   whether a history grown too long for the model is summarised by the model
 *                     (and the turn goes on) rather than failing the turn
 */
public record AgentSpec(String name, String model, String instructions, List<AgentTool> tools, boolean compaction) {
    public AgentSpec {
        Objects.requireNonNull(model, "model");
        tools = List.copyOf(tools);
    }

    public AgentSpec(String name, String model, String instructions, List<AgentTool> tools) {
        this(name, model, instructions, tools, false);
    }

    public AgentSpec(String name, String model, String instructions) {
        this(name, model, instructions, List.of());
    }

    public AgentSpec withModel(String newModel) {
        return new AgentSpec(name, newModel, instructions, tools, compaction);
    }

    public AgentSpec withInstructions(String newInstructions) {
        return new AgentSpec(name, model, newInstructions, tools, compaction);
    }

    public AgentSpec withTools(List<AgentTool> newTools) {
        return new AgentSpec(name, model, instructions, newTools, compaction);
    }

    /** The function tool named {@code name}, if the agent has one. */
    public Optional<AgentTool.Function> function(String name) {
        return tools.stream().filter(t -> t instanceof AgentTool.Function f && f.name().equals(name)).map(AgentTool.Function.class::cast).findFirst();
    }
}
