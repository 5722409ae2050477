package dev.quarry.provider.bedrock.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.CannotCarry;
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
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * Encodes a canonical request as a Bedrock ConverseStream request body. Converse is the canonical
 * model's closest relative: blocks map one to one, cache points included.
 */
public final class ConverseRequestEncoder {
    private static final String API = "Bedrock Converse";
    /** Model-specific request fields (Claude's extended thinking, top_k) that Converse carries in additionalModelRequestFields. */
    private static final List<String> EXTENSIONS = List.of("thinking", "top_k");

    /** The most documents Converse takes in one message. */
    private static final int MAX_DOCUMENTS = 5;

    private static final DocumentSupport DOCUMENTS = new DocumentSupport(API, EnumSet.allOf(DocumentType.class),
            Documents.BEDROCK_MAX_BYTES, "convert it to one of those");

    private ConverseRequestEncoder() {}

    /** @throws QuarryException when the request holds something Converse cannot carry */
    public static ObjectNode encode(ChatRequest request) {
        // This API has only JSON tools: free-form ones travel as functions taking one string (CustomTools).
        request = CustomTools.asFunctions(request);
        DOCUMENTS.require(request);
        ObjectNode body = Json.object();
        ArrayNode messages = body.putArray("messages");
        ConverseDocuments documents = new ConverseDocuments();
        for (Message message : request.messages()) {
            ArrayNode content = Json.MAPPER.createArrayNode();
            for (ContentBlock block : message.content()) {
                switch (message.role()) {
                    case USER -> userBlock(block, content, documents);
                    case ASSISTANT -> assistantBlock(block, content);
                }
            }
            requireConverseDocumentRules(content, request.model());
            if (!content.isEmpty()) messages.addObject().put("role", message.role().name().toLowerCase(Locale.ROOT)).set("content", content);
        }
        ArrayNode system = Json.MAPPER.createArrayNode();
        for (ContentBlock block : request.system()) {
            switch (block) {
                case ContentBlock.Text text when !text.text().isEmpty() -> system.addObject().put("text", text.text());
                case ContentBlock.Text _ -> { }
                case ContentBlock.CachePoint _ -> system.add(cachePoint());
                default -> throw Unsupported.block(API, block, "the system prompt");
            }
        }
        if (!system.isEmpty()) body.set("system", system);
        ObjectNode toolConfig = toolConfig(request);
        if (toolConfig != null) body.set("toolConfig", toolConfig);
        ObjectNode inference = inferenceConfig(request.config());
        if (!inference.isEmpty()) body.set("inferenceConfig", inference);
        ObjectNode additional = Json.object();
        Json.copy(request.extensions(), EXTENSIONS, additional);
        if (!additional.isEmpty()) body.set("additionalModelRequestFields", additional);
        return body;
    }

    /**
     * Converse refuses a message with more than {@link #MAX_DOCUMENTS} documents, or with a document but no text (the
     * text says what to do with it); other upstreams take both, so another deployment may carry the message.
     */
    private static void requireConverseDocumentRules(ArrayNode content, String model) {
        int documents = 0;
        boolean text = false;
        for (JsonNode block : content) {
            if (block.has("document")) documents++;
            text |= block.has("text");
        }
        if (documents > MAX_DOCUMENTS) {
            throw new CannotCarry("Model '" + model + "' is served here through the " + API + " API, which takes at most "
                    + MAX_DOCUMENTS + " documents in a message; this one has " + documents + ": send them over several turns,"
                    + " or use a model served by another provider.");
        }
        if (documents > 0 && !text) {
            throw new CannotCarry("messages", "The " + API + " API needs a text block beside a document in the same message:"
                    + " add the question about the document as text.");
        }
    }

    private static void userBlock(ContentBlock block, ArrayNode content, ConverseDocuments documents) {
        switch (block) {
            // Converse refuses blank text blocks, which clients send (an assistant turn that only called tools).
            case ContentBlock.Text text when !text.text().isEmpty() -> content.addObject().put("text", text.text());
            case ContentBlock.Text _ -> { }
            case ContentBlock.Image image -> content.add(image(image));
            case ContentBlock.Document document -> content.add(documents.encode(document));
            case ContentBlock.ToolResult result -> content.addObject().set("toolResult", toolResult(result));
            case ContentBlock.CachePoint _ -> content.add(cachePoint());
            default -> throw Unsupported.block(API, block, "a user message");
        }
    }

    private static void assistantBlock(ContentBlock block, ArrayNode content) {
        switch (block) {
            case ContentBlock.Text text when !text.text().isEmpty() -> content.addObject().put("text", text.text());
            case ContentBlock.Text _ -> { }
            case ContentBlock.ToolUse use -> content.addObject().putObject("toolUse")
                    .put("toolUseId", use.id()).put("name", use.name()).set("input", toolInput(use));
            case ContentBlock.Reasoning reasoning when reasoning.signature() != null -> content.addObject().putObject("reasoningContent")
                    .putObject("reasoningText").put("text", reasoning.text()).put("signature", reasoning.signature());
            // The models behind Converse verify reasoning they are sent by its signature; unsigned reasoning
            // (another provider's, or a summary) would be refused, and the model reasons afresh without it.
            case ContentBlock.Reasoning _ -> { }
            case ContentBlock.CachePoint _ -> content.add(cachePoint());
            default -> throw Unsupported.block(API, block, "an assistant message");
        }
    }

    private static ObjectNode cachePoint() {
        ObjectNode out = Json.object();
        out.putObject("cachePoint").put("type", "default");
        return out;
    }

    /** Converse takes images as bytes (or from S3), never by https URL. */
    private static ObjectNode image(ContentBlock.Image image) {
        if (!image.inline()) {
            throw QuarryException.unsupported("messages", "The " + API + " API takes images only as data, not by URL; "
                    + "send the image inline as a data: URL.");
        }
        // The inline types are Converse's formats (DataUrl.IMAGE_TYPES), so the subtype names one.
        DataUrl data = DataUrl.parse(image.url(), "messages");
        ObjectNode out = Json.object();
        out.putObject("image").put("format", data.subtype()).putObject("source").put("bytes", data.base64());
        return out;
    }

    private static ObjectNode toolResult(ContentBlock.ToolResult result) {
        ObjectNode out = Json.object().put("toolUseId", result.toolUseId());
        ArrayNode content = out.putArray("content");
        for (ContentBlock block : result.content()) {
            switch (block) {
                case ContentBlock.Text text -> content.addObject().put("text", text.text());
                case ContentBlock.Image image -> content.add(image(image));
                default -> throw Unsupported.block(API, block, "a tool result");
            }
        }
        if (result.error()) out.put("status", "error");
        return out;
    }

    private static JsonNode toolInput(ContentBlock.ToolUse use) {
        if (use.input().isBlank()) return Json.object();
        return Json.parse(use.input()).filter(JsonNode::isObject).orElseThrow(() -> QuarryException.invalid("messages",
                "The input of tool call '" + use.id() + "' (" + use.name() + ") is not a JSON object."));
    }

    /**
     * Converse has no "none" tool choice. Leaving the tools out says it as well, unless the
     * conversation already holds tool calls: Converse then insists on the tool definitions, and
     * "none" cannot be honoured.
     */
    private static ObjectNode toolConfig(ChatRequest request) {
        if (request.tools().isEmpty()) return null;
        if (request.toolChoice() instanceof ToolChoice.None) {
            if (!hasToolBlocks(request)) return null;
            throw QuarryException.unsupported("tool_choice", "The " + API + " API cannot forbid tool calls in a conversation "
                    + "that already has some; send tool_choice auto, or leave the tools out.");
        }
        ObjectNode out = Json.object();
        ArrayNode tools = out.putArray("tools");
        for (ToolSpec tool : request.tools()) tools.addObject().set("toolSpec", toolSpec(tool));
        ObjectNode choice = out.putObject("toolChoice");
        switch (request.toolChoice()) {
            case ToolChoice.Any _ -> choice.putObject("any");
            case ToolChoice.Named named -> choice.putObject("tool").put("name", named.name());
            case ToolChoice.Auto _, ToolChoice.None _ -> choice.putObject("auto"); // None with tools left in is refused above
        }
        return out;
    }

    private static boolean hasToolBlocks(ChatRequest request) {
        return request.messages().stream().flatMap(m -> m.content().stream())
                .anyMatch(b -> b instanceof ContentBlock.ToolUse || b instanceof ContentBlock.ToolResult);
    }

    private static ObjectNode toolSpec(ToolSpec tool) {
        ObjectNode out = Json.object().put("name", tool.name());
        if (tool.description() != null) out.put("description", tool.description());
        out.putObject("inputSchema").set("json", ToolSchemas.parameters(tool));
        return out;
    }

    private static ObjectNode inferenceConfig(InferenceConfig config) {
        ObjectNode out = Json.object();
        if (config.maxTokens() != null) out.put("maxTokens", config.maxTokens());
        if (config.temperature() != null) out.put("temperature", config.temperature());
        if (config.topP() != null) out.put("topP", config.topP());
        if (!config.stopSequences().isEmpty()) out.set("stopSequences", Json.MAPPER.valueToTree(config.stopSequences()));
        return out;
    }
}
