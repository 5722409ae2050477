package dev.quarry.surface.anthropic;

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
import dev.quarry.surface.anthropic.ContentDecoder.Author;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/messages} request body → canonical request. Fields Quarry does not know are
 * ignored, as Claude Code sends beta fields ({@code context_management}, {@code output_config}…)
 * that only Anthropic itself understands; those travel as extensions for a provider that does.
 *
 * <p>Messages with role {@code system} (Claude Code sends one after the first user turn) are
 * added to the canonical system instructions: the canonical conversation has no place for
 * instructions in mid-conversation, and every provider honours system instructions.
 */
public final class MessagesDecoder {
    /** Request fields that some providers honour and that travel as canonical extensions. */
    private static final String[] EXTENSIONS = {
        "top_k", "thinking", "metadata", "service_tier", "output_config", "context_management"
    };

    private MessagesDecoder() {}

    public static MessagesCall decode(ObjectNode body) {
        // Anthropic requires max_tokens; accepting a request without it would teach clients a request Anthropic refuses.
        if (!body.hasNonNull("max_tokens")) {
            throw QuarryException.invalid("max_tokens", "Missing required parameter: 'max_tokens'.");
        }
        Integer maxTokens = Json.optInt(body, "max_tokens", "max_tokens", 1);
        return new MessagesCall(request(body, maxTokens), Json.optBoolean(body, "stream", "stream", false));
    }

    /** The request a Messages body describes; {@code maxTokens} is {@code null} where none applies (token counting). */
    static ChatRequest request(ObjectNode body, Integer maxTokens) {
        String model = requireText(body, "model", "model");
        List<ContentBlock> system = new ArrayList<>(system(body.get("system")));
        List<Message> messages = new ArrayList<>();
        List<JsonNode> raw = optArray(body, "messages", "messages");
        if (raw.isEmpty()) throw QuarryException.invalid("messages", "'messages' must contain at least one message.");
        for (int i = 0; i < raw.size(); i++) {
            JsonNode m = raw.get(i);
            String path = "messages[" + i + "]";
            if (!m.isObject()) throw QuarryException.invalid(path, "'" + path + "' must be an object.");
            String role = requireText(m, "role", path + ".role");
            switch (role) {
                case "user" -> messages.add(new Message(Role.USER, ContentDecoder.content(m.get("content"), path + ".content", Author.USER)));
                case "assistant" -> messages.add(new Message(Role.ASSISTANT,
                        ContentDecoder.content(m.get("content"), path + ".content", Author.ASSISTANT)));
                case "system" -> system.addAll(ContentDecoder.content(m.get("content"), path + ".content", Author.SYSTEM));
                default -> throw QuarryException.invalid(path + ".role",
                        "'" + path + ".role' must be user, assistant or system (got '" + role + "').");
            }
        }
        if (messages.isEmpty()) throw QuarryException.invalid("messages", "'messages' holds no user or assistant message.");

        InferenceConfig config = new InferenceConfig(maxTokens, Json.optNumber(body, "temperature", "temperature"),
                Json.optNumber(body, "top_p", "top_p"), stopSequences(body));
        Map<String, Object> extensions = Json.pick(body, EXTENSIONS);
        JsonNode choice = body.get("tool_choice");
        if (choice != null && choice.isObject()
                && Json.optBoolean(choice, "disable_parallel_tool_use", "tool_choice.disable_parallel_tool_use", false)) {
            extensions.put("parallel_tool_calls", false); // the canonical spelling, which OpenAI-style providers read
        }
        return new ChatRequest(model, system, messages, tools(body), toolChoice(choice), config, extensions);
    }

    /** {@code system}: a string, or an array of text blocks (possibly with cache_control). */
    private static List<ContentBlock> system(JsonNode system) {
        if (system == null || system.isNull()) return List.of();
        return ContentDecoder.content(system, "system", Author.SYSTEM);
    }

    /**
     * Client tools become canonical function tools. Anthropic-defined tools (web search, code
     * execution, bash, text editor, computer use…) carry a versioned {@code type}; their schemas
     * are built into Claude and their server-side ones run at Anthropic, so no model behind
     * Quarry can be offered them: they are refused by name. Claude Code declares only client tools.
     * {@code cache_control} on a tool is accepted and not kept: canonical tools have no cache point.
     * A tool with {@code defer_loading} is offered from the start: the search that would reveal it
     * runs at Anthropic, and offering it early only costs the model some prompt.
     */
    private static List<ToolSpec> tools(JsonNode body) {
        List<JsonNode> raw = optArray(body, "tools", "tools");
        List<ToolSpec> tools = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            JsonNode tool = raw.get(i);
            String path = "tools[" + i + "]";
            if (!tool.isObject()) throw QuarryException.invalid(path, "'" + path + "' must be an object.");
            String type = optText(tool, "type", path + ".type");
            if (type != null && !type.equals("custom")) {
                throw QuarryException.unsupported(path + ".type", "Tools of type '" + type
                        + "' are Anthropic-defined tools, which Quarry does not support; declare a client tool "
                        + "(name, description, input_schema) instead.");
            }
            tools.add(ToolSpec.function(requireText(tool, "name", path + ".name"), optText(tool, "description", path + ".description"),
                    Json.requireObject(tool, "input_schema", path + ".input_schema").toString()));
        }
        return tools;
    }

    private static ToolChoice toolChoice(JsonNode choice) {
        if (choice == null || choice.isNull()) return ToolChoice.AUTO;
        if (!choice.isObject()) throw QuarryException.invalid("tool_choice", "'tool_choice' must be an object such as {\"type\": \"auto\"}.");
        String type = requireText(choice, "type", "tool_choice.type");
        return switch (type) {
            case "auto" -> ToolChoice.AUTO;
            case "any" -> new ToolChoice.Any();
            case "none" -> new ToolChoice.None();
            case "tool" -> new ToolChoice.Named(requireText(choice, "name", "tool_choice.name"));
            default -> throw QuarryException.invalid("tool_choice.type",
                    "'tool_choice.type' must be auto, any, tool or none (got '" + type + "').");
        };
    }

    private static List<String> stopSequences(JsonNode body) {
        List<JsonNode> raw = optArray(body, "stop_sequences", "stop_sequences");
        List<String> stops = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            if (!raw.get(i).isTextual()) {
                throw QuarryException.invalid("stop_sequences[" + i + "]", "'stop_sequences[" + i + "]' must be a string.");
            }
            stops.add(raw.get(i).textValue());
        }
        return stops;
    }
}
