package dev.quarry.provider.gemini.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.Role;
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
import java.util.HashMap;
import java.util.Map;

/**
 * Encodes a canonical request as a Gemini {@code GenerateContentRequest}.
 *
 * <p>Gemini's function responses are matched to calls by the function's name, which a canonical
 * tool result does not carry: it is found by looking up the result's tool-use id among the calls
 * earlier in the conversation. The ids go along too, in the optional {@code id} fields of both
 * parts; Gemini seldom names calls itself, and the ids the decoder made up pair the same way.
 *
 * <p>Gemini keeps its reasoning across turns in thought signatures attached to the parts that
 * followed the thinking (a function call, usually), and on Gemini 3 refuses a function call sent back
 * without its signature. The decoder hands a signature out as a {@link ContentBlock.Reasoning} block
 * just before the part it came on; here it is attached to the part that follows it again. The
 * thought summaries themselves are not sent back: Gemini does not read them.
 */
public final class GenerateContentRequestEncoder {
    private static final String API = "Gemini generateContent";

    private static final DocumentSupport DOCUMENTS = new DocumentSupport(API, DocumentSupport.PDF_AND_TEXT, Documents.MAX_BYTES,
            "convert it to PDF or send its content as text, or use a model served through Bedrock Converse or OpenAI Responses");

    private final Map<String, String> toolNames = new HashMap<>();

    private GenerateContentRequestEncoder() {}

    /** @throws QuarryException when the request holds something Gemini cannot carry */
    public static ObjectNode encode(ChatRequest request) {
        // This API has only JSON tools: free-form ones travel as functions taking one string (CustomTools).
        request = CustomTools.asFunctions(request);
        DOCUMENTS.require(request);
        return new GenerateContentRequestEncoder().body(request);
    }

    private ObjectNode body(ChatRequest request) {
        ObjectNode body = Json.object();
        ArrayNode contents = body.putArray("contents");
        for (Message message : request.messages()) {
            ArrayNode parts = switch (message.role()) {
                case USER -> userParts(message);
                case ASSISTANT -> modelParts(message);
            };
            if (!parts.isEmpty()) contents.addObject().put("role", message.role() == Role.USER ? "user" : "model").set("parts", parts);
        }
        ArrayNode system = Json.MAPPER.createArrayNode();
        for (ContentBlock block : request.system()) {
            switch (block) {
                case ContentBlock.Text text -> system.addObject().put("text", text.text());
                case ContentBlock.CachePoint _ -> { } // Gemini caches repeated prefixes by itself
                default -> throw Unsupported.block(API, block, "the system instruction");
            }
        }
        if (!system.isEmpty()) body.putObject("systemInstruction").set("parts", system);
        if (!request.tools().isEmpty()) {
            ArrayNode declarations = body.putArray("tools").addObject().putArray("functionDeclarations");
            request.tools().forEach(tool -> declarations.add(declaration(tool)));
            body.putObject("toolConfig").set("functionCallingConfig", functionCalling(request.toolChoice()));
        }
        ObjectNode generation = generationConfig(request);
        if (!generation.isEmpty()) body.set("generationConfig", generation);
        return body;
    }

    private ArrayNode userParts(Message message) {
        ArrayNode parts = Json.MAPPER.createArrayNode();
        for (ContentBlock block : message.content()) {
            switch (block) {
                case ContentBlock.Text text -> parts.addObject().put("text", text.text());
                case ContentBlock.Image image -> parts.add(image(image));
                case ContentBlock.Document document -> parts.add(document(document));
                case ContentBlock.ToolResult result -> parts.add(functionResponse(result));
                case ContentBlock.CachePoint _ -> { }
                default -> throw Unsupported.block(API, block, "a user message");
            }
        }
        return parts;
    }

    private ArrayNode modelParts(Message message) {
        ArrayNode parts = Json.MAPPER.createArrayNode();
        String signature = null;
        for (ContentBlock block : message.content()) {
            ObjectNode part = switch (block) {
                case ContentBlock.Text text -> Json.object().put("text", text.text());
                case ContentBlock.ToolUse use -> {
                    toolNames.put(use.id(), use.name());
                    ObjectNode call = Json.object();
                    call.putObject("functionCall").put("id", use.id()).put("name", use.name()).set("args", arguments(use));
                    yield call;
                }
                case ContentBlock.Reasoning reasoning -> {
                    if (reasoning.signature() != null) signature = reasoning.signature();
                    yield null;
                }
                case ContentBlock.CachePoint _ -> null;
                default -> throw Unsupported.block(API, block, "an assistant message");
            };
            if (part == null) continue;
            if (signature != null) part.put("thoughtSignature", signature);
            signature = null;
            parts.add(part);
        }
        // A signature that came last arrived on an empty text part, the way Gemini ends a streamed turn; it goes back the same way.
        if (signature != null) parts.addObject().put("text", "").put("thoughtSignature", signature);
        return parts;
    }

    /** Inline data, under the media type Gemini lists for the format (it names Markdown {@code text/md}). */
    private static ObjectNode document(ContentBlock.Document document) {
        String mimeType = document.type() == DocumentType.MARKDOWN ? "text/md" : document.type().mediaType();
        ObjectNode part = Json.object();
        part.putObject("inlineData").put("mimeType", mimeType).put("data", document.base64());
        return part;
    }

    /** Gemini takes images inline as bytes, or by URI as file data. */
    private static ObjectNode image(ContentBlock.Image image) {
        ObjectNode part = Json.object();
        if (image.inline()) {
            DataUrl data = DataUrl.parse(image.url(), "messages");
            part.putObject("inlineData").put("mimeType", data.mediaType()).put("data", data.base64());
        } else {
            part.putObject("fileData").put("fileUri", image.url());
        }
        return part;
    }

    /**
     * Gemini wants a function's response as a JSON object. A result that is one goes as it is; any
     * other text goes as {@code {"result": text}}, or {@code {"error": text}} for a failed call, the
     * shapes Google's own examples use.
     */
    private ObjectNode functionResponse(ContentBlock.ToolResult result) {
        String name = toolNames.get(result.toolUseId());
        if (name == null) {
            throw QuarryException.invalid("messages", "The tool result for '" + result.toolUseId() + "' answers no tool call earlier "
                    + "in the conversation; Gemini needs the called function's name, which only that call carries.");
        }
        for (ContentBlock block : result.content()) {
            if (!(block instanceof ContentBlock.Text)) throw Unsupported.block(API, block, "a tool result");
        }
        String text = result.text();
        JsonNode response = Json.parse(text).filter(JsonNode::isObject)
                .orElseGet(() -> Json.object().put(result.error() ? "error" : "result", text));
        ObjectNode part = Json.object();
        part.putObject("functionResponse").put("id", result.toolUseId()).put("name", name).set("response", response);
        return part;
    }

    private static JsonNode arguments(ContentBlock.ToolUse use) {
        if (use.input().isBlank()) return Json.object();
        return Json.parse(use.input()).filter(JsonNode::isObject).orElseThrow(() -> QuarryException.invalid("messages",
                "The input of tool call '" + use.id() + "' (" + use.name() + ") is not a JSON object."));
    }

    private static ObjectNode declaration(ToolSpec tool) {
        ObjectNode out = Json.object().put("name", tool.name());
        if (tool.description() != null) out.put("description", tool.description());
        ObjectNode parameters = GeminiSchema.parameters(ToolSchemas.parameters(tool));
        if (parameters != null) out.set("parameters", parameters);
        return out;
    }

    private static ObjectNode functionCalling(ToolChoice choice) {
        return switch (choice) {
            case ToolChoice.Auto _ -> Json.object().put("mode", "AUTO");
            case ToolChoice.None _ -> Json.object().put("mode", "NONE");
            case ToolChoice.Any _ -> Json.object().put("mode", "ANY");
            case ToolChoice.Named named -> {
                ObjectNode out = Json.object().put("mode", "ANY");
                out.putArray("allowedFunctionNames").add(named.name());
                yield out;
            }
        };
    }

    /**
     * Sampling and length, and thinking: the {@code thinking} extension (Anthropic's shape,
     * {@code {"type":"enabled","budget_tokens":N}}) becomes a thinking budget with thought summaries
     * included, and {@code {"type":"disabled"}} a budget of zero.
     */
    private static ObjectNode generationConfig(ChatRequest request) {
        InferenceConfig config = request.config();
        ObjectNode out = Json.object();
        if (config.maxTokens() != null) out.put("maxOutputTokens", config.maxTokens());
        if (config.temperature() != null) out.put("temperature", config.temperature());
        if (config.topP() != null) out.put("topP", config.topP());
        if (!config.stopSequences().isEmpty()) out.set("stopSequences", Json.MAPPER.valueToTree(config.stopSequences()));
        if (request.extensions().get("thinking") instanceof Map<?, ?> thinking) {
            ObjectNode thinkingConfig = out.putObject("thinkingConfig");
            if ("disabled".equals(thinking.get("type"))) {
                thinkingConfig.put("thinkingBudget", 0);
            } else {
                thinkingConfig.put("includeThoughts", true);
                if (thinking.get("budget_tokens") instanceof Number budget) thinkingConfig.put("thinkingBudget", budget.intValue());
            }
        }
        return out;
    }
}
