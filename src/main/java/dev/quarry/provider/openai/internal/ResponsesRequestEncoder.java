package dev.quarry.provider.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.Role;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.ToolSpec;
import dev.quarry.provider.wire.Json;
import dev.quarry.provider.wire.ToolSchemas;
import dev.quarry.provider.wire.Unsupported;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Encodes a canonical request as a streaming OpenAI Responses request body. */
public final class ResponsesRequestEncoder {
    private static final List<String> EXTENSIONS = List.of("parallel_tool_calls", "user", "text");

    private ResponsesRequestEncoder() {}

    /** @throws QuarryException when the request holds something the Responses API cannot carry */
    public static ObjectNode encode(ChatRequest request, String upstreamModel) {
        ObjectNode body = Json.object().put("model", upstreamModel);
        String instructions = request.systemText();
        if (!instructions.isEmpty()) body.put("instructions", instructions);
        body.set("input", input(request));
        body.put("stream", true);
        // Every call carries the whole conversation, so OpenAI has no reason to keep a copy of it.
        body.put("store", false);
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            request.tools().forEach(tool -> tools.add(tool(tool)));
            body.set("tool_choice", toolChoice(request.toolChoice(), request.tools()));
        }
        InferenceConfig config = request.config();
        if (config.maxTokens() != null) body.put("max_output_tokens", config.maxTokens());
        if (config.temperature() != null) body.put("temperature", config.temperature());
        if (config.topP() != null) body.put("top_p", config.topP());
        if (!config.stopSequences().isEmpty()) {
            throw QuarryException.of(ErrorKind.UNSUPPORTED_FEATURE,
                    "The responses API has no stop sequences; remove 'stop' or use a deployment on the chat_completions API.");
        }
        Json.copy(request.extensions(), EXTENSIONS, body);
        Object effort = request.extensions().get("reasoning_effort");
        if (effort != null) body.putObject("reasoning").set("effort", Json.MAPPER.valueToTree(effort));
        return body;
    }

    private static ArrayNode input(ChatRequest request) {
        Map<String, ToolKind> callKinds = callKinds(request);
        ArrayNode items = Json.MAPPER.createArrayNode();
        for (Message message : request.messages()) new MessageItems(message.role(), items, callKinds).add(message.content());
        return items;
    }

    /** The kind of every tool call in the conversation, so that its result is sent back as the same kind. */
    private static Map<String, ToolKind> callKinds(ChatRequest request) {
        Map<String, ToolKind> kinds = new HashMap<>();
        for (Message message : request.messages()) {
            for (ContentBlock block : message.content()) {
                if (block instanceof ContentBlock.ToolUse use) kinds.put(use.id(), use.kind());
            }
        }
        return kinds;
    }

    /**
     * Turns one canonical message into input items: its text and images as message items, its tool
     * calls and results as items of their own, all in the order the client sent them.
     */
    private static final class MessageItems {
        private final Role role;
        private final ArrayNode items;
        private final Map<String, ToolKind> callKinds;
        private ArrayNode content;

        MessageItems(Role role, ArrayNode items, Map<String, ToolKind> callKinds) {
            this.role = role;
            this.items = items;
            this.callKinds = callKinds;
        }

        void add(List<ContentBlock> blocks) {
            for (ContentBlock block : blocks) {
                switch (block) {
                    case ContentBlock.Text text when role == Role.USER -> content().add(inputText(text));
                    case ContentBlock.Text text -> content().addObject().put("type", "output_text").put("text", text.text());
                    case ContentBlock.Image image when role == Role.USER -> content().add(inputImage(image));
                    case ContentBlock.Document document when role == Role.USER ->
                            content().add(FileParts.fill(Json.object().put("type", "input_file"), document));
                    case ContentBlock.ToolUse use when role == Role.ASSISTANT -> item(toolCall(use));
                    case ContentBlock.ToolResult result when role == Role.USER -> item(toolOutput(result));
                    // Reasoning is dropped: Quarry does not ask OpenAI for the encrypted reasoning it would
                    // need to send back, and reasoning from another provider means nothing to OpenAI.
                    case ContentBlock.Reasoning _, ContentBlock.CachePoint _ -> { }
                    default -> throw Unsupported.block("responses", block,
                            role == Role.USER ? "a user message" : "an assistant message");
                }
            }
        }

        private ArrayNode content() {
            if (content == null) {
                ObjectNode message = items.addObject().put("type", "message").put("role", role == Role.USER ? "user" : "assistant");
                content = message.putArray("content");
            }
            return content;
        }

        /** Adds an item that stands on its own; text after it starts a new message item. */
        private void item(ObjectNode item) {
            items.add(item);
            content = null;
        }

        private ObjectNode toolCall(ContentBlock.ToolUse use) {
            return switch (use.kind()) {
                case FUNCTION -> Json.object().put("type", "function_call").put("call_id", use.id()).put("name", use.name())
                        .put("arguments", use.input().isEmpty() ? "{}" : use.input());
                case CUSTOM -> Json.object().put("type", "custom_tool_call").put("call_id", use.id()).put("name", use.name())
                        .put("input", use.input());
            };
        }

        private ObjectNode toolOutput(ContentBlock.ToolResult result) {
            String type = callKinds.get(result.toolUseId()) == ToolKind.CUSTOM ? "custom_tool_call_output" : "function_call_output";
            ObjectNode item = Json.object().put("type", type).put("call_id", result.toolUseId());
            if (result.content().stream().allMatch(ContentBlock.Text.class::isInstance)) {
                item.put("output", result.text());
                return item;
            }
            ArrayNode output = item.putArray("output");
            for (ContentBlock block : result.content()) {
                switch (block) {
                    case ContentBlock.Text text -> output.add(inputText(text));
                    case ContentBlock.Image image -> output.add(inputImage(image));
                    default -> throw Unsupported.block("responses", block, "a tool result");
                }
            }
            return item;
        }
    }

    private static ObjectNode inputText(ContentBlock.Text text) {
        return Json.object().put("type", "input_text").put("text", text.text());
    }

    private static ObjectNode inputImage(ContentBlock.Image image) {
        return Json.object().put("type", "input_image").put("image_url", image.url());
    }

    private static ObjectNode tool(ToolSpec tool) {
        ObjectNode out = Json.object().put("type", tool.kind() == ToolKind.CUSTOM ? "custom" : "function").put("name", tool.name());
        if (tool.description() != null) out.put("description", tool.description());
        switch (tool.kind()) {
            case FUNCTION -> {
                out.set("parameters", ToolSchemas.parameters(tool));
                // Responses functions are strict unless told otherwise, which rejects most clients' schemas.
                out.put("strict", false);
            }
            case CUSTOM -> {
                JsonNode format = ToolSchemas.format(tool);
                if (format != null) out.set("format", format);
            }
        }
        return out;
    }

    private static JsonNode toolChoice(ToolChoice choice, List<ToolSpec> tools) {
        return switch (choice) {
            case ToolChoice.Auto _ -> TextNode.valueOf("auto");
            case ToolChoice.None _ -> TextNode.valueOf("none");
            case ToolChoice.Any _ -> TextNode.valueOf("required");
            case ToolChoice.Named named -> {
                boolean custom = tools.stream().anyMatch(tool -> tool.name().equals(named.name()) && tool.kind() == ToolKind.CUSTOM);
                yield Json.object().put("type", custom ? "custom" : "function").put("name", named.name());
            }
        };
    }
}
