package dev.quarry.surface.bedrock;

import static dev.quarry.surface.Json.optArray;
import static dev.quarry.surface.Json.optText;
import static dev.quarry.surface.Json.requireText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.Role;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.ToolSpec;
import dev.quarry.surface.Json;
import dev.quarry.surface.bedrock.ConverseContent.Place;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Converse or ConverseStream request body, with the model id of its path → canonical request.
 *
 * <p>Bedrock-specific request fields that a Bedrock upstream can honour travel as canonical
 * extensions under their Converse names: {@code guardrailConfig},
 * {@code additionalModelRequestFields}, {@code additionalModelResponseFieldPaths},
 * {@code performanceConfig} and {@code requestMetadata}.
 */
public final class ConverseDecoder {
    private static final String[] EXTENSIONS = {
        "guardrailConfig", "additionalModelRequestFields", "additionalModelResponseFieldPaths", "performanceConfig", "requestMetadata"
    };

    private ConverseDecoder() {}

    public static ChatRequest decode(String modelId, ObjectNode body) {
        if (body.has("promptVariables")) {
            throw QuarryException.unsupported("promptVariables", "Prompt management (promptVariables) is not supported; send the messages themselves.");
        }
        List<Message> messages = messages(body);
        List<ContentBlock> system = body.hasNonNull("system") ? ConverseContent.blocks(body.get("system"), "system", Place.SYSTEM) : List.of();
        JsonNode toolConfig = body.get("toolConfig");
        List<ToolSpec> tools = toolConfig == null || toolConfig.isNull() ? List.of() : tools(toolConfig);
        ToolChoice choice = toolConfig == null || toolConfig.isNull() ? ToolChoice.AUTO : toolChoice(toolConfig.get("toolChoice"));
        guardrail(body.get("guardrailConfig"));
        Map<String, Object> extensions = Json.pick(body, EXTENSIONS);
        return new ChatRequest(modelId, system, messages, tools, choice, config(body.get("inferenceConfig")), extensions);
    }

    private static List<Message> messages(JsonNode body) {
        List<JsonNode> raw = optArray(body, "messages", "messages");
        if (raw.isEmpty()) throw QuarryException.invalid("messages", "'messages' must contain at least one message.");
        List<Message> messages = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            JsonNode m = raw.get(i);
            String path = "messages[" + i + "]";
            if (!m.isObject()) throw QuarryException.invalid(path, "'" + path + "' must be an object.");
            String role = requireText(m, "role", path + ".role");
            Place place = switch (role) {
                case "user" -> Place.USER;
                case "assistant" -> Place.ASSISTANT;
                default -> throw QuarryException.invalid(path + ".role", "'" + path + ".role' must be user or assistant (got '" + role + "').");
            };
            messages.add(new Message(place == Place.USER ? Role.USER : Role.ASSISTANT, ConverseContent.blocks(m.get("content"), path + ".content", place)));
        }
        return messages;
    }

    private static InferenceConfig config(JsonNode config) {
        if (config == null || config.isNull()) return InferenceConfig.DEFAULTS;
        if (!config.isObject()) throw QuarryException.invalid("inferenceConfig", "'inferenceConfig' must be an object.");
        List<JsonNode> rawStops = optArray(config, "stopSequences", "inferenceConfig.stopSequences");
        List<String> stops = new ArrayList<>(rawStops.size());
        for (int i = 0; i < rawStops.size(); i++) {
            if (!rawStops.get(i).isTextual()) {
                throw QuarryException.invalid("inferenceConfig.stopSequences[" + i + "]", "'inferenceConfig.stopSequences[" + i + "]' must be a string.");
            }
            stops.add(rawStops.get(i).textValue());
        }
        return new InferenceConfig(Json.optInt(config, "maxTokens", "inferenceConfig.maxTokens", 1),
                Json.optNumber(config, "temperature", "inferenceConfig.temperature"),
                Json.optNumber(config, "topP", "inferenceConfig.topP"), stops);
    }

    /**
     * {@code toolConfig.tools}: tool specs, and cache points between them. A cache point after the
     * tools is accepted and not kept: canonical tools carry no cache point, and dropping one
     * changes what a call costs, never what it answers.
     */
    private static List<ToolSpec> tools(JsonNode toolConfig) {
        if (!toolConfig.isObject()) throw QuarryException.invalid("toolConfig", "'toolConfig' must be an object.");
        List<JsonNode> raw = optArray(toolConfig, "tools", "toolConfig.tools");
        if (raw.isEmpty()) throw QuarryException.invalid("toolConfig.tools", "'toolConfig.tools' must contain at least one tool.");
        List<ToolSpec> tools = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            JsonNode tool = raw.get(i);
            String path = "toolConfig.tools[" + i + "]";
            if (tool.has("cachePoint")) continue;
            JsonNode spec = Json.requireObject(tool, "toolSpec", path + ".toolSpec");
            JsonNode schema = Json.requireObject(Json.requireObject(spec, "inputSchema", path + ".toolSpec.inputSchema"),
                    "json", path + ".toolSpec.inputSchema.json");
            tools.add(ToolSpec.function(requireText(spec, "name", path + ".toolSpec.name"),
                    optText(spec, "description", path + ".toolSpec.description"), schema.toString()));
        }
        return tools;
    }

    private static ToolChoice toolChoice(JsonNode choice) {
        if (choice == null || choice.isNull()) return ToolChoice.AUTO;
        if (!choice.isObject() || choice.size() != 1) {
            throw QuarryException.invalid("toolConfig.toolChoice", "'toolConfig.toolChoice' must be one of {\"auto\":{}}, {\"any\":{}} or {\"tool\":{\"name\":…}}.");
        }
        String kind = choice.fieldNames().next();
        return switch (kind) {
            case "auto" -> ToolChoice.AUTO;
            case "any" -> new ToolChoice.Any();
            case "tool" -> new ToolChoice.Named(requireText(choice.get("tool"), "name", "toolConfig.toolChoice.tool.name"));
            default -> throw QuarryException.invalid("toolConfig.toolChoice", "'toolConfig.toolChoice' must be auto, any or tool (got '" + kind + "').");
        };
    }

    /** Checked here so a malformed guardrail fails as Bedrock fails it, before any model runs. */
    private static void guardrail(JsonNode guardrail) {
        if (guardrail == null || guardrail.isNull()) return;
        if (!guardrail.isObject()) throw QuarryException.invalid("guardrailConfig", "'guardrailConfig' must be an object.");
        requireText(guardrail, "guardrailIdentifier", "guardrailConfig.guardrailIdentifier");
        requireText(guardrail, "guardrailVersion", "guardrailConfig.guardrailVersion");
    }
}
