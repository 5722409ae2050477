package dev.quarry.surface.openai;

import static dev.quarry.surface.Json.optArray;
import static dev.quarry.surface.Json.optText;
import static dev.quarry.surface.Json.requireText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.DataUrl;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.Role;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.ToolSpec;
import dev.quarry.surface.Json;
import dev.quarry.surface.ToolArguments;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/responses} request body → canonical request. Quarry answers synchronously and
 * keeps no conversation state, so {@code background: true}, {@code conversation},
 * {@code previous_response_id} and an explicit {@code store: true} are refused, and clients send
 * the whole input each turn, as Codex does ({@code store: false}).
 */
public final class ResponsesDecoder {
    private static final String[] EXTENSIONS = {
        "reasoning", "parallel_tool_calls", "user", "text", "metadata", "service_tier", "prompt_cache_key", "include",
        "truncation"
    };

    private ResponsesDecoder() {}

    /** Built-in tools OpenAI runs on its side; no other model can run them, so they are set aside. */
    private static final Set<String> HOSTED_TOOLS = Set.of(
            "web_search", "web_search_preview", "file_search", "code_interpreter", "computer_use_preview",
            "image_generation", "mcp", "local_shell", "tool_search", "namespace");

    public static ResponsesCall decode(ObjectNode body) {
        String model = requireText(body, "model", "model");
        refuseUnhonouredFields(body);
        List<ContentBlock> system = new ArrayList<>();
        String instructions = optText(body, "instructions", "instructions");
        if (instructions != null && !instructions.isEmpty()) system.add(new ContentBlock.Text(instructions));

        Conversation conversation = new Conversation(system);
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) throw QuarryException.invalid("input", "Missing required parameter: 'input'.");
        if (input.isTextual()) {
            conversation.add(Role.USER, new ContentBlock.Text(input.textValue()));
        } else if (input.isArray()) {
            for (int i = 0; i < input.size(); i++) decodeItem(input.get(i), "input[" + i + "]", conversation);
        } else {
            throw QuarryException.invalid("input", "'input' must be a string or an array of input items.");
        }
        if (conversation.messages.isEmpty()) throw QuarryException.invalid("input", "'input' holds no message.");

        InferenceConfig config = new InferenceConfig(Json.optInt(body, "max_output_tokens", "max_output_tokens", 1),
                Json.optNumber(body, "temperature", "temperature"), Json.optNumber(body, "top_p", "top_p"), List.of());
        Map<String, Object> extensions = Json.pick(body, EXTENSIONS);
        List<String> setAside = new ArrayList<>();
        ChatRequest request = new ChatRequest(model, system, conversation.messages, tools(body, setAside),
                toolChoice(body.get("tool_choice")), config, extensions);
        return new ResponsesCall(request, Json.optBoolean(body, "stream", "stream", false), setAside);
    }

    /**
     * Fields that ask for state or deferred work Quarry does not have yet. Answering them with an
     * ordinary synchronous, unstored response would mislead: a client polling for a background
     * response or chaining on a stored one would break later and obscurely. So each is a 400 naming
     * the field until it is honoured.
     */
    private static void refuseUnhonouredFields(ObjectNode body) {
        if (Json.optBoolean(body, "background", "background", false)) {
            throw QuarryException.unsupported("background", "Background responses are not supported yet: send the request "
                    + "without 'background' (or false) and read the answer from this call.");
        }
        JsonNode conversation = body.get("conversation");
        if (conversation != null && !conversation.isNull()) {
            throw QuarryException.unsupported("conversation", "Quarry does not store conversations yet, so 'conversation' "
                    + "cannot be used: leave it out and send the whole conversation in 'input' (store: false).");
        }
        if (optText(body, "previous_response_id", "previous_response_id") != null) {
            throw QuarryException.unsupported("previous_response_id",
                    "Quarry does not store responses, so 'previous_response_id' cannot be used: send the whole conversation in 'input' (store: false).");
        }
        // OpenAI defaults 'store' to true, but the SDKs and most clients simply omit it and never read
        // the response back; refusing the omission would break them for nothing. Only an explicit
        // true is a client relying on a stored response.
        if (Json.optBoolean(body, "store", "store", false)) {
            throw QuarryException.unsupported("store", "Quarry does not store responses yet, so 'store: true' cannot be "
                    + "honoured: send 'store: false' (as Codex does) and keep the conversation on the client.");
        }
    }

    /** Groups input items into alternating messages: consecutive items of one side share a message. */
    private static final class Conversation {
        final List<ContentBlock> system;
        final List<Message> messages = new ArrayList<>();

        Conversation(List<ContentBlock> system) {
            this.system = system;
        }

        void add(Role role, ContentBlock block) {
            addAll(role, List.of(block));
        }

        void addAll(Role role, List<ContentBlock> blocks) {
            if (blocks.isEmpty()) return;
            if (!messages.isEmpty() && messages.getLast().role() == role) {
                List<ContentBlock> merged = new ArrayList<>(messages.removeLast().content());
                merged.addAll(blocks);
                messages.add(new Message(role, merged));
            } else {
                messages.add(new Message(role, blocks));
            }
        }
    }

    private static void decodeItem(JsonNode item, String path, Conversation conversation) {
        if (!item.isObject()) throw QuarryException.invalid(path, "'" + path + "' must be an object.");
        // Items without a type are messages ({"role": ..., "content": ...}), as the API allows.
        String type = item.hasNonNull("type") ? requireText(item, "type", path + ".type") : "message";
        switch (type) {
            case "message" -> decodeMessage(item, path, conversation);
            case "function_call" -> conversation.add(Role.ASSISTANT, new ContentBlock.ToolUse(
                    requireText(item, "call_id", path + ".call_id"), requireText(item, "name", path + ".name"),
                    ToolArguments.canonical(optText(item, "arguments", path + ".arguments")), ToolKind.FUNCTION));
            case "custom_tool_call" -> conversation.add(Role.ASSISTANT, new ContentBlock.ToolUse(
                    requireText(item, "call_id", path + ".call_id"), requireText(item, "name", path + ".name"),
                    requireText(item, "input", path + ".input"), ToolKind.CUSTOM));
            case "function_call_output", "custom_tool_call_output" -> conversation.add(Role.USER, new ContentBlock.ToolResult(
                    requireText(item, "call_id", path + ".call_id"), output(item.get("output"), path + ".output"), false));
            case "reasoning" -> {
                var text = new StringBuilder();
                for (JsonNode part : optArray(item, "summary", path + ".summary")) {
                    // Codex echoes reasoning back with null parts; they carry nothing to keep.
                    if (!text.isEmpty()) text.append("\n\n");
                    text.append(part.path("text").asText(""));
                }
                conversation.add(Role.ASSISTANT, new ContentBlock.Reasoning(text.toString(),
                        Json.optToken(item, "encrypted_content", path + ".encrypted_content")));
            }
            default -> throw QuarryException.unsupported(path + ".type",
                    "Input items of type '" + type + "' are not supported; Quarry accepts message, function_call, "
                            + "function_call_output, custom_tool_call, custom_tool_call_output and reasoning.");
        }
    }

    private static void decodeMessage(JsonNode item, String path, Conversation conversation) {
        String role = requireText(item, "role", path + ".role");
        List<ContentBlock> content = content(item.get("content"), path + ".content");
        if (!role.equals("user") && content.stream().anyMatch(ContentBlock.Document.class::isInstance)) {
            throw QuarryException.invalid(path + ".content", "'input_file' parts may only appear in user messages (" + path + " is a "
                    + role + " message).");
        }
        switch (role) {
            case "system", "developer" -> conversation.system.addAll(content);
            case "user" -> conversation.addAll(Role.USER, content);
            case "assistant" -> conversation.addAll(Role.ASSISTANT, content);
            default -> throw QuarryException.invalid(path + ".role",
                    "'" + path + ".role' must be one of user, assistant, system, developer (got '" + role + "').");
        }
    }

    private static List<ContentBlock> content(JsonNode content, String path) {
        return ContentParts.decode(content, path, (type, part, partPath) -> switch (type) {
            case "input_text", "output_text", "text" -> new ContentBlock.Text(requireText(part, "text", partPath + ".text"));
            case "refusal" -> new ContentBlock.Text(requireText(part, "refusal", partPath + ".refusal"));
            case "input_image" -> {
                String url = optText(part, "image_url", partPath + ".image_url");
                if (url == null) {
                    throw QuarryException.unsupported(partPath, "Images must be given as 'image_url' (a data: or https URL); file ids are not supported.");
                }
                yield DataUrl.image(url, partPath + ".image_url");
            }
            case "input_file" -> ContentParts.file(part, partPath);
            default -> throw QuarryException.unsupported(partPath + ".type",
                    "Content parts of type '" + type + "' are not supported; use input_text, output_text, input_image or input_file.");
        });
    }

    /** A tool output: a string, or an array of content parts. */
    private static List<ContentBlock> output(JsonNode output, String path) {
        if (output == null || output.isNull()) return List.of(new ContentBlock.Text(""));
        List<ContentBlock> content = content(output, path);
        if (content.stream().anyMatch(ContentBlock.Document.class::isInstance)) {
            throw QuarryException.unsupported(path, "Files in tool outputs are not supported; send the 'input_file' in a user message.");
        }
        return content;
    }

    /**
     * Function and custom tools become canonical tools. OpenAI-hosted tools (web search, a
     * namespace of sub-agents...) cannot be run for other models: they are not offered to the
     * model, and their names are reported in {@code setAside} so the client can be told.
     */
    private static List<ToolSpec> tools(JsonNode body, List<String> setAside) {
        List<JsonNode> raw = optArray(body, "tools", "tools");
        CustomToolFormat.requireTotalWithinBound(raw, "/format/definition");
        List<ToolSpec> tools = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            JsonNode tool = raw.get(i);
            String path = "tools[" + i + "]";
            String type = requireText(tool, "type", path + ".type");
            switch (type) {
                case "function" -> {
                    JsonNode params = tool.get("parameters");
                    tools.add(ToolSpec.function(requireText(tool, "name", path + ".name"),
                            optText(tool, "description", path + ".description"),
                            params == null || params.isNull() ? "{\"type\":\"object\",\"properties\":{}}" : params.toString()));
                }
                case "custom" -> {
                    String name = requireText(tool, "name", path + ".name");
                    tools.add(new ToolSpec(name, optText(tool, "description", path + ".description"),
                            null, ToolKind.CUSTOM, CustomToolFormat.responses(tool.get("format"), name, path + ".format")));
                }
                default -> {
                    if (!HOSTED_TOOLS.contains(type)) {
                        throw QuarryException.unsupported(path + ".type", "Tools of type '" + type
                                + "' are not supported; use 'function' or 'custom' tools.");
                    }
                    setAside.add(tool.hasNonNull("name") ? type + ":" + tool.get("name").asText() : type);
                }
            }
        }
        return tools;
    }

    private static ToolChoice toolChoice(JsonNode choice) {
        return ToolChoices.decode(choice, c -> optText(c, "name", "tool_choice.name"));
    }
}
