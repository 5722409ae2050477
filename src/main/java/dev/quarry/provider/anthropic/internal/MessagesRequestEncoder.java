package dev.quarry.provider.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.ToolSpec;
import dev.quarry.canonical.DataUrl;
import dev.quarry.canonical.DocumentType;
import dev.quarry.canonical.Documents;
import dev.quarry.provider.wire.CustomTools;
import dev.quarry.provider.wire.DocumentSupport;
import dev.quarry.provider.wire.Json;
import dev.quarry.provider.wire.ToolSchemas;
import dev.quarry.provider.wire.Unsupported;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Encodes a canonical request as an Anthropic Messages request body, streaming or not.
 *
 * <p>Blocks are written in prompt order (system, then messages), so that a {@link ContentBlock.CachePoint}
 * becomes {@code cache_control} on whatever block was written just before it, wherever that is.
 */
public final class MessagesRequestEncoder {
    private static final String API = "Anthropic Messages";
    /** Request fields of the Messages API that travel as canonical extensions. */
    private static final List<String> EXTENSIONS = List.of("thinking", "top_k");

    private static final DocumentSupport DOCUMENTS = new DocumentSupport(API, DocumentSupport.PDF_AND_TEXT, Documents.MAX_BYTES,
            "convert it to PDF or send its content as text, or use a model served through Bedrock Converse or OpenAI Responses");

    private ObjectNode lastBlock;

    private MessagesRequestEncoder() {}

    /**
     * @param defaultMaxTokens the output limit asked for when the client set none; Anthropic requires one
     * @throws QuarryException when the request holds something the Messages API cannot carry
     */
    public static ObjectNode encode(ChatRequest request, String upstreamModel, int defaultMaxTokens, boolean stream) {
        // This API has only JSON tools: free-form ones travel as functions taking one string (CustomTools).
        request = CustomTools.asFunctions(request);
        DOCUMENTS.require(request);
        return new MessagesRequestEncoder().body(request, upstreamModel, defaultMaxTokens).put("stream", stream);
    }

    private ObjectNode body(ChatRequest request, String upstreamModel, int defaultMaxTokens) {
        ObjectNode body = Json.object().put("model", upstreamModel);
        body.put("max_tokens", maxTokens(request, defaultMaxTokens));
        ArrayNode system = Json.MAPPER.createArrayNode();
        for (ContentBlock block : request.system()) {
            switch (block) {
                case ContentBlock.Text text -> addText(system, text.text());
                case ContentBlock.CachePoint _ -> markCachePoint();
                default -> throw Unsupported.block(API, block, "the system prompt");
            }
        }
        if (!system.isEmpty()) body.set("system", system);
        ArrayNode messages = body.putArray("messages");
        for (Message message : request.messages()) {
            ArrayNode content = Json.MAPPER.createArrayNode();
            for (ContentBlock block : message.content()) {
                switch (message.role()) {
                    case USER -> userBlock(block, content);
                    case ASSISTANT -> assistantBlock(block, content);
                }
            }
            // A message left empty (only reasoning that cannot be sent back) is dropped rather than sent empty, which Anthropic refuses.
            if (!content.isEmpty()) messages.addObject().put("role", message.role().name().toLowerCase(Locale.ROOT)).set("content", content);
        }
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            request.tools().forEach(tool -> tools.add(tool(tool)));
            body.set("tool_choice", toolChoice(request.toolChoice()));
        }
        InferenceConfig config = request.config();
        if (config.temperature() != null) body.put("temperature", config.temperature());
        if (config.topP() != null) body.put("top_p", config.topP());
        if (!config.stopSequences().isEmpty()) body.set("stop_sequences", Json.MAPPER.valueToTree(config.stopSequences()));
        Json.copy(request.extensions(), EXTENSIONS, body);
        return body;
    }

    /**
     * Anthropic requires {@code max_tokens}. Without one from the client the provider's default is
     * asked for, on top of the thinking budget when extended thinking is on, because Anthropic
     * counts thinking as output and refuses a limit that does not exceed the budget.
     */
    private static int maxTokens(ChatRequest request, int defaultMaxTokens) {
        if (request.config().maxTokens() != null) return request.config().maxTokens();
        if (request.extensions().get("thinking") instanceof Map<?, ?> thinking && thinking.get("budget_tokens") instanceof Number budget) {
            return budget.intValue() + defaultMaxTokens;
        }
        return defaultMaxTokens;
    }

    private void userBlock(ContentBlock block, ArrayNode content) {
        switch (block) {
            case ContentBlock.Text text -> addText(content, text.text());
            case ContentBlock.Image image -> add(content, image(image));
            case ContentBlock.Document document -> add(content, document(document));
            case ContentBlock.ToolResult result -> add(content, toolResult(result));
            case ContentBlock.CachePoint _ -> markCachePoint();
            default -> throw Unsupported.block(API, block, "a user message");
        }
    }

    private void assistantBlock(ContentBlock block, ArrayNode content) {
        switch (block) {
            case ContentBlock.Text text -> addText(content, text.text());
            case ContentBlock.ToolUse use -> add(content, Json.object()
                    .put("type", "tool_use").put("id", use.id()).put("name", use.name())
                    .set("input", toolInput(use)));
            case ContentBlock.Reasoning reasoning when reasoning.signature() != null -> add(content, Json.object()
                    .put("type", "thinking").put("thinking", reasoning.text()).put("signature", reasoning.signature()));
            // Anthropic verifies every thinking block it is sent by its signature; one without (another
            // provider's reasoning, or a summary) would be refused, and Claude reasons afresh without it.
            case ContentBlock.Reasoning _ -> { }
            case ContentBlock.CachePoint _ -> markCachePoint();
            default -> throw Unsupported.block(API, block, "an assistant message");
        }
    }

    /** Anthropic refuses empty text blocks, which clients send (an assistant turn that only called tools). */
    private void addText(ArrayNode content, String text) {
        if (!text.isEmpty()) add(content, Json.object().put("type", "text").put("text", text));
    }

    private void add(ArrayNode content, ObjectNode block) {
        content.add(block);
        lastBlock = block;
    }

    /** A cache point before any block has nothing to cache; Anthropic has no place for it. */
    private void markCachePoint() {
        if (lastBlock != null) lastBlock.putObject("cache_control").put("type", "ephemeral");
    }

    private static ObjectNode image(ContentBlock.Image image) {
        ObjectNode source = Json.object();
        if (image.inline()) {
            DataUrl data = DataUrl.parse(image.url(), "messages");
            source.put("type", "base64").put("media_type", data.mediaType()).put("data", data.base64());
        } else {
            source.put("type", "url").put("url", image.url());
        }
        ObjectNode out = Json.object().put("type", "image");
        out.set("source", source);
        return out;
    }

    /** A PDF as a base64 source; a text document (csv, html, markdown too) as a text source, which Anthropic takes as text/plain. */
    private static ObjectNode document(ContentBlock.Document document) {
        ObjectNode out = Json.object().put("type", "document");
        ObjectNode source = out.putObject("source");
        if (document.type() == DocumentType.PDF) {
            source.put("type", "base64").put("media_type", DocumentType.PDF.mediaType()).put("data", document.base64());
        } else {
            source.put("type", "text").put("media_type", DocumentType.TEXT.mediaType()).put("data", document.text());
        }
        if (document.name() != null) out.put("title", document.name());
        return out;
    }

    private static ObjectNode toolResult(ContentBlock.ToolResult result) {
        ArrayNode content = Json.MAPPER.createArrayNode();
        for (ContentBlock block : result.content()) {
            switch (block) {
                case ContentBlock.Text text when !text.text().isEmpty() -> content.addObject().put("type", "text").put("text", text.text());
                case ContentBlock.Text _ -> { }
                case ContentBlock.Image image -> content.add(image(image));
                default -> throw Unsupported.block(API, block, "a tool result");
            }
        }
        ObjectNode out = Json.object().put("type", "tool_result").put("tool_use_id", result.toolUseId());
        out.set("content", content);
        if (result.error()) out.put("is_error", true);
        return out;
    }

    /** The canonical input is JSON text; Anthropic wants the object itself. A call with no arguments has none. */
    private static JsonNode toolInput(ContentBlock.ToolUse use) {
        if (use.input().isBlank()) return Json.object();
        return Json.parse(use.input()).filter(JsonNode::isObject).orElseThrow(() -> QuarryException.invalid("messages",
                "The input of tool call '" + use.id() + "' (" + use.name() + ") is not a JSON object."));
    }

    private static ObjectNode tool(ToolSpec tool) {
        ObjectNode out = Json.object().put("name", tool.name());
        if (tool.description() != null) out.put("description", tool.description());
        out.set("input_schema", ToolSchemas.parameters(tool));
        return out;
    }

    private static ObjectNode toolChoice(ToolChoice choice) {
        return switch (choice) {
            case ToolChoice.Auto _ -> Json.object().put("type", "auto");
            case ToolChoice.None _ -> Json.object().put("type", "none");
            case ToolChoice.Any _ -> Json.object().put("type", "any");
            case ToolChoice.Named named -> Json.object().put("type", "tool").put("name", named.name());
        };
    }
}
