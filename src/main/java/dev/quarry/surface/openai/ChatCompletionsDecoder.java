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

/** {@code POST /v1/chat/completions} request body → canonical request. */
public final class ChatCompletionsDecoder {
    /** Request fields that some providers honour and that travel as canonical extensions. */
    private static final String[] EXTENSIONS = {
        "reasoning_effort", "parallel_tool_calls", "user", "seed", "response_format", "metadata",
        "frequency_penalty", "presence_penalty", "logit_bias", "service_tier", "prompt_cache_key", "verbosity"
    };

    private ChatCompletionsDecoder() {}

    public static ChatCall decode(ObjectNode body) {
        String model = requireText(body, "model", "model");
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && n.asInt(1) != 1) {
            throw QuarryException.unsupported("n", "Only n=1 is supported: ask again for more choices.");
        }
        // On OpenAI, 'store: true' keeps the completion for evals and distillation (it defaults to
        // false here, unlike Responses). Quarry keeps no completions, so saying yes would mislead.
        if (Json.optBoolean(body, "store", "store", false)) {
            throw QuarryException.unsupported("store", "Quarry does not store chat completions yet, so 'store: true' "
                    + "cannot be honoured: leave 'store' out or send 'store: false'.");
        }
        List<ContentBlock> system = new ArrayList<>();
        List<Message> messages = new ArrayList<>();
        List<JsonNode> raw = optArray(body, "messages", "messages");
        if (raw.isEmpty()) throw QuarryException.invalid("messages", "'messages' must contain at least one message.");
        for (int i = 0; i < raw.size(); i++) decodeMessage(raw.get(i), "messages[" + i + "]", system, messages);

        Integer maxTokens = Json.optInt(body, "max_completion_tokens", "max_completion_tokens", 1);
        if (maxTokens == null) maxTokens = Json.optInt(body, "max_tokens", "max_tokens", 1);
        InferenceConfig config = new InferenceConfig(maxTokens, Json.optNumber(body, "temperature", "temperature"),
                Json.optNumber(body, "top_p", "top_p"), stops(body.get("stop")));

        boolean stream = Json.optBoolean(body, "stream", "stream", false);
        JsonNode streamOptions = body.get("stream_options");
        boolean includeUsage = streamOptions != null && streamOptions.isObject()
                && Json.optBoolean(streamOptions, "include_usage", "stream_options.include_usage", false);
        Map<String, Object> extensions = Json.pick(body, EXTENSIONS);
        return new ChatCall(new ChatRequest(model, system, messages, tools(body), toolChoice(body.get("tool_choice")),
                config, extensions), stream, includeUsage);
    }

    private static void decodeMessage(JsonNode m, String path, List<ContentBlock> system, List<Message> messages) {
        if (!m.isObject()) throw QuarryException.invalid(path, "'" + path + "' must be an object.");
        String role = requireText(m, "role", path + ".role");
        switch (role) {
            case "system", "developer" -> system.addAll(textParts(m.get("content"), path + ".content"));
            case "user" -> messages.add(new Message(Role.USER, userParts(m.get("content"), path + ".content")));
            case "assistant" -> messages.add(new Message(Role.ASSISTANT, assistantParts(m, path)));
            case "tool" -> {
                String id = requireText(m, "tool_call_id", path + ".tool_call_id");
                var result = new ContentBlock.ToolResult(id, textParts(m.get("content"), path + ".content"), false);
                // Consecutive tool results answer one assistant turn: keep them in one user message.
                if (!messages.isEmpty() && messages.getLast().role() == Role.USER
                        && messages.getLast().content().stream().allMatch(ContentBlock.ToolResult.class::isInstance)) {
                    List<ContentBlock> merged = new ArrayList<>(messages.removeLast().content());
                    merged.add(result);
                    messages.add(new Message(Role.USER, merged));
                } else {
                    messages.add(new Message(Role.USER, List.of(result)));
                }
            }
            case "function" -> throw QuarryException.unsupported(path + ".role", "The legacy 'function' role is not supported; use 'tool' messages.");
            default -> throw QuarryException.invalid(path + ".role",
                    "'" + path + ".role' must be one of system, developer, user, assistant, tool (got '" + role + "').");
        }
    }

    /** Content that may only hold text: a string or an array of text parts. */
    private static List<ContentBlock> textParts(JsonNode content, String path) {
        List<ContentBlock> blocks = new ArrayList<>();
        if (content == null || content.isNull()) return blocks;
        if (content.isTextual()) {
            blocks.add(new ContentBlock.Text(content.textValue()));
            return blocks;
        }
        if (!content.isArray()) throw QuarryException.invalid(path, "'" + path + "' must be a string or an array of content parts.");
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String type = requireText(part, "type", path + "[" + i + "].type");
            if (!type.equals("text")) {
                throw QuarryException.unsupported(path + "[" + i + "]", "Only text parts are allowed in '" + path + "' (got '" + type + "').");
            }
            blocks.add(new ContentBlock.Text(requireText(part, "text", path + "[" + i + "].text")));
        }
        return blocks;
    }

    private static List<ContentBlock> userParts(JsonNode content, String path) {
        return ContentParts.decode(content, path, (type, part, partPath) -> switch (type) {
            case "text" -> new ContentBlock.Text(requireText(part, "text", partPath + ".text"));
            case "image_url" -> DataUrl.image(
                    requireText(Json.requireObject(part, "image_url", partPath + ".image_url"), "url", partPath + ".image_url.url"),
                    partPath + ".image_url.url");
            case "file" -> ContentParts.file(Json.requireObject(part, "file", partPath + ".file"), partPath + ".file");
            default -> throw QuarryException.unsupported(partPath + ".type",
                    "Content parts of type '" + type + "' are not supported; use 'text', 'image_url' or 'file'.");
        });
    }

    private static List<ContentBlock> assistantParts(JsonNode m, String path) {
        JsonNode content = m.get("content");
        if (content != null && content.isArray()) content = onlyTextLike(content);
        List<ContentBlock> blocks = new ArrayList<>(textParts(content, path + ".content"));
        List<JsonNode> calls = optArray(m, "tool_calls", path + ".tool_calls");
        for (int i = 0; i < calls.size(); i++) {
            JsonNode call = calls.get(i);
            String callPath = path + ".tool_calls[" + i + "]";
            String id = requireText(call, "id", callPath + ".id");
            String type = call.path("type").asText("function");
            if (type.equals("custom")) {
                JsonNode custom = Json.requireObject(call, "custom", callPath + ".custom");
                blocks.add(new ContentBlock.ToolUse(id, requireText(custom, "name", callPath + ".custom.name"),
                        requireText(custom, "input", callPath + ".custom.input"), ToolKind.CUSTOM));
            } else {
                JsonNode function = Json.requireObject(call, "function", callPath + ".function");
                blocks.add(new ContentBlock.ToolUse(id, requireText(function, "name", callPath + ".function.name"),
                        ToolArguments.canonical(optText(function, "arguments", callPath + ".function.arguments")), ToolKind.FUNCTION));
            }
        }
        return blocks;
    }

    /** Assistant content arrays may hold refusal parts, which carry their text in 'refusal'. */
    private static JsonNode onlyTextLike(JsonNode parts) {
        var copy = Json.MAPPER.createArrayNode();
        for (JsonNode part : parts) {
            if ("refusal".equals(part.path("type").asText())) {
                copy.addObject().put("type", "text").put("text", part.path("refusal").asText());
            } else {
                copy.add(part);
            }
        }
        return copy;
    }

    private static List<ToolSpec> tools(JsonNode body) {
        List<JsonNode> raw = optArray(body, "tools", "tools");
        CustomToolFormat.requireTotalWithinBound(raw, "/custom/format/grammar/definition");
        List<ToolSpec> tools = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            JsonNode tool = raw.get(i);
            String path = "tools[" + i + "]";
            String type = requireText(tool, "type", path + ".type");
            switch (type) {
                case "function" -> {
                    JsonNode f = Json.requireObject(tool, "function", path + ".function");
                    JsonNode params = f.get("parameters");
                    tools.add(ToolSpec.function(requireText(f, "name", path + ".function.name"),
                            optText(f, "description", path + ".function.description"),
                            params == null || params.isNull() ? "{\"type\":\"object\",\"properties\":{}}" : params.toString()));
                }
                case "custom" -> {
                    JsonNode c = Json.requireObject(tool, "custom", path + ".custom");
                    String name = requireText(c, "name", path + ".custom.name");
                    tools.add(new ToolSpec(name, optText(c, "description", path + ".custom.description"), null, ToolKind.CUSTOM,
                            CustomToolFormat.chatCompletions(c.get("format"), name, path + ".custom.format")));
                }
                default -> throw QuarryException.unsupported(path + ".type", "Tools of type '" + type + "' are not supported; use 'function' or 'custom'.");
            }
        }
        return tools;
    }

    private static ToolChoice toolChoice(JsonNode choice) {
        // Chat Completions nests the name: {"type":"function","function":{"name":…}} or {"type":"custom","custom":{"name":…}}.
        return ToolChoices.decode(choice, c -> c.path("function").path("name").asText(c.path("custom").path("name").asText(null)));
    }

    private static List<String> stops(JsonNode stop) {
        if (stop == null || stop.isNull()) return List.of();
        if (stop.isTextual()) return List.of(stop.textValue());
        if (stop.isArray()) {
            List<String> stops = new ArrayList<>();
            for (JsonNode s : stop) {
                if (!s.isTextual()) throw QuarryException.invalid("stop", "'stop' must be a string or an array of strings.");
                stops.add(s.textValue());
            }
            return stops;
        }
        throw QuarryException.invalid("stop", "'stop' must be a string or an array of strings.");
    }
}
