package dev.quarry.provider.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.DocumentType;
import dev.quarry.canonical.Documents;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.ToolSpec;
import dev.quarry.provider.wire.CustomTools;
import dev.quarry.provider.wire.DocumentSupport;
import dev.quarry.provider.wire.Json;
import dev.quarry.provider.wire.ToolSchemas;
import dev.quarry.provider.wire.Unsupported;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/** Encodes a canonical request as an OpenAI Chat Completions request body. */
public final class ChatCompletionsRequestEncoder {
    private static final List<String> EXTENSIONS = List.of("reasoning_effort", "parallel_tool_calls", "user", "seed", "response_format");

    /** Where servers that speak Chat Completions disagree on a request field. */
    public enum Dialect {
        /** OpenAI deprecated {@code max_tokens}, and its reasoning models refuse it. */
        OPENAI("max_completion_tokens"),
        /** Older vLLM, Ollama and llama.cpp servers know only {@code max_tokens}. */
        COMPATIBLE("max_tokens");

        private final String maxTokensField;

        Dialect(String maxTokensField) {
            this.maxTokensField = maxTokensField;
        }
    }

    private static final DocumentSupport DOCUMENTS = new DocumentSupport("OpenAI Chat Completions", EnumSet.of(DocumentType.PDF),
            Documents.MAX_BYTES, "send its content as text, or use a model served through the OpenAI Responses API (api: responses)");

    private ChatCompletionsRequestEncoder() {}

    /**
     * @param stream whether to ask for the answer as a stream (with usage in its last chunk) or whole
     * @throws QuarryException when the request holds something Chat Completions cannot carry
     */
    public static ObjectNode encode(ChatRequest request, String upstreamModel, Dialect dialect, boolean stream) {
        // This API has only JSON tools: free-form ones travel as functions taking one string (CustomTools).
        request = CustomTools.asFunctions(request);
        DOCUMENTS.require(request);
        ObjectNode body = Json.object().put("model", upstreamModel);
        body.set("messages", messages(request));
        body.put("stream", stream);
        if (stream) body.putObject("stream_options").put("include_usage", true);
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            request.tools().forEach(tool -> tools.add(tool(tool)));
            body.set("tool_choice", toolChoice(request.toolChoice()));
        }
        InferenceConfig config = request.config();
        if (config.maxTokens() != null) body.put(dialect.maxTokensField, config.maxTokens());
        if (config.temperature() != null) body.put("temperature", config.temperature());
        if (config.topP() != null) body.put("top_p", config.topP());
        if (!config.stopSequences().isEmpty()) body.set("stop", Json.MAPPER.valueToTree(config.stopSequences()));
        Json.copy(request.extensions(), EXTENSIONS, body);
        return body;
    }

    private static ArrayNode messages(ChatRequest request) {
        ArrayNode messages = Json.MAPPER.createArrayNode();
        String system = request.systemText();
        if (!system.isEmpty()) messages.addObject().put("role", "system").put("content", system);
        for (Message message : request.messages()) {
            switch (message.role()) {
                case USER -> user(message, messages);
                case ASSISTANT -> messages.add(assistant(message));
            }
        }
        return messages;
    }

    /** Tool results become "tool" messages of their own, in the order the client sent them. */
    private static void user(Message message, ArrayNode messages) {
        List<ObjectNode> parts = new ArrayList<>();
        for (ContentBlock block : message.content()) {
            switch (block) {
                case ContentBlock.Text text -> parts.add(Json.object().put("type", "text").put("text", text.text()));
                case ContentBlock.Image image -> {
                    ObjectNode part = Json.object().put("type", "image_url");
                    part.putObject("image_url").put("url", image.url());
                    parts.add(part);
                }
                case ContentBlock.Document document -> {
                    ObjectNode part = Json.object().put("type", "file");
                    FileParts.fill(part.putObject("file"), document);
                    parts.add(part);
                }
                case ContentBlock.ToolResult result -> {
                    addUserMessage(parts, messages);
                    messages.add(toolMessage(result));
                }
                case ContentBlock.CachePoint _ -> { } // OpenAI caches prompt prefixes without being asked
                default -> throw cannotCarry(block, "a user message");
            }
        }
        addUserMessage(parts, messages);
    }

    private static void addUserMessage(List<ObjectNode> parts, ArrayNode messages) {
        if (parts.isEmpty()) return;
        ObjectNode message = messages.addObject().put("role", "user");
        if (parts.size() == 1 && parts.getFirst().path("type").asText().equals("text")) {
            message.put("content", parts.getFirst().path("text").asText()); // the plain form every compatible server accepts
        } else {
            message.putArray("content").addAll(parts);
        }
        parts.clear();
    }

    private static ObjectNode toolMessage(ContentBlock.ToolResult result) {
        for (ContentBlock block : result.content()) {
            if (!(block instanceof ContentBlock.Text)) throw cannotCarry(block, "a tool result");
        }
        return Json.object().put("role", "tool").put("tool_call_id", result.toolUseId()).put("content", result.text());
    }

    private static ObjectNode assistant(Message message) {
        StringBuilder text = new StringBuilder();
        ArrayNode calls = Json.MAPPER.createArrayNode();
        for (ContentBlock block : message.content()) {
            switch (block) {
                case ContentBlock.Text t -> text.append(t.text());
                case ContentBlock.ToolUse use -> calls.addObject()
                        .put("id", use.id())
                        .put("type", "function")
                        .putObject("function").put("name", use.name()).put("arguments", use.input().isEmpty() ? "{}" : use.input());
                // Chat Completions has no field for earlier reasoning; models reason afresh each turn.
                case ContentBlock.Reasoning _, ContentBlock.CachePoint _ -> { }
                default -> throw cannotCarry(block, "an assistant message");
            }
        }
        ObjectNode out = Json.object().put("role", "assistant");
        if (!text.isEmpty() || calls.isEmpty()) out.put("content", text.toString());
        if (!calls.isEmpty()) out.set("tool_calls", calls);
        return out;
    }

    private static ObjectNode tool(ToolSpec tool) {
        ObjectNode function = Json.object().put("name", tool.name());
        if (tool.description() != null) function.put("description", tool.description());
        function.set("parameters", ToolSchemas.parameters(tool));
        ObjectNode out = Json.object().put("type", "function");
        out.set("function", function);
        return out;
    }

    private static JsonNode toolChoice(ToolChoice choice) {
        return switch (choice) {
            case ToolChoice.Auto _ -> TextNode.valueOf("auto");
            case ToolChoice.None _ -> TextNode.valueOf("none");
            case ToolChoice.Any _ -> TextNode.valueOf("required");
            case ToolChoice.Named named -> {
                ObjectNode out = Json.object().put("type", "function");
                out.putObject("function").put("name", named.name());
                yield out;
            }
        };
    }

    private static QuarryException cannotCarry(ContentBlock block, String where) {
        return Unsupported.block("chat_completions", block, where);
    }
}
