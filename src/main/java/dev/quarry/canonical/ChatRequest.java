package dev.quarry.canonical;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A request for one assistant turn.
 *
 * @param model      the model id as the client named it (an id or an alias of the catalog)
 * @param system     system and developer instructions: text blocks, possibly with cache points
 * @param extensions request fields that only some providers understand (e.g. {@code reasoning_effort}),
 *                   as plain Java values (String, Number, Boolean, List, Map); a provider reads the
 *                   ones it knows and ignores the rest
 */
public record ChatRequest(
        String model,
        List<ContentBlock> system,
        List<Message> messages,
        List<ToolSpec> tools,
        ToolChoice toolChoice,
        InferenceConfig config,
        Map<String, Object> extensions) {

    public ChatRequest {
        Objects.requireNonNull(model, "model");
        system = List.copyOf(system);
        messages = List.copyOf(messages);
        tools = List.copyOf(tools);
        toolChoice = toolChoice == null ? ToolChoice.AUTO : toolChoice;
        config = config == null ? InferenceConfig.DEFAULTS : config;
        extensions = Map.copyOf(extensions);
    }

    public static ChatRequest of(String model, List<Message> messages) {
        return new ChatRequest(model, List.of(), messages, List.of(), ToolChoice.AUTO, InferenceConfig.DEFAULTS, Map.of());
    }

    public ChatRequest withModel(String newModel) {
        return new ChatRequest(newModel, system, messages, tools, toolChoice, config, extensions);
    }

    /** The system blocks' text, joined by blank lines. */
    public String systemText() {
        return new Message(Role.USER, system).text();
    }
}
