package dev.quarry.surface.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ChatResponse;
import dev.quarry.canonical.QuarryException;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import dev.quarry.surface.anthropic.MessagesDecoder;
import dev.quarry.surface.anthropic.MessagesEncoder;
import java.util.HashMap;
import java.util.Map;

/**
 * InvokeModel with an Anthropic Messages body, as Claude on Bedrock takes it: the Messages
 * request without {@code model} (the path names it) and with
 * {@code "anthropic_version": "bedrock-2023-05-31"}; the answer is the Anthropic message object.
 * The Anthropic surface's codecs do the work; this class adapts the envelope.
 *
 * <p>The body's format, not the model id, decides: so any model behind Quarry can be invoked
 * with an Anthropic body, and a body in another family's format is refused by name.
 */
public final class AnthropicInvoke {
    public static final String VERSION = "bedrock-2023-05-31";

    private AnthropicInvoke() {}

    public static ChatRequest decode(String modelId, ObjectNode body) {
        JsonNode version = body.get("anthropic_version");
        if (version == null) {
            throw QuarryException.unsupported("anthropic_version", "InvokeModel accepts Anthropic Messages bodies, marked with "
                    + "\"anthropic_version\": \"" + VERSION + "\". For other model families use Converse, which every model behind Quarry answers.");
        }
        if (!version.isTextual() || !version.textValue().equals(VERSION)) {
            throw QuarryException.invalid("anthropic_version", "'anthropic_version' must be \"" + VERSION + "\".");
        }
        if (body.has("model")) {
            throw QuarryException.invalid("model", "extraneous key [model] is not permitted: the model is named by the request path.");
        }
        ObjectNode messages = body.deepCopy();
        messages.remove("anthropic_version");
        messages.put("model", modelId);
        // Bedrock takes Anthropic beta flags in the body; they travel as an extension for an Anthropic upstream.
        JsonNode beta = messages.remove("anthropic_beta");
        ChatRequest request = MessagesDecoder.decode(messages).request();
        if (beta == null) return request;
        Map<String, Object> extensions = new HashMap<>(request.extensions());
        extensions.put("anthropic_beta", Json.plain(beta));
        return new ChatRequest(request.model(), request.system(), request.messages(), request.tools(), request.toolChoice(), request.config(),
                extensions);
    }

    /**
     * The Anthropic message, with the token counts and latency Bedrock reports in headers.
     *
     * @param id the {@code msg_…} id of the answer
     */
    public static WireReply encode(ChatResponse response, String id, String modelId, long latencyMillis) {
        byte[] body = new MessagesEncoder(id, modelId).encode(response);
        return new WireReply(200, "application/json", body, Map.of(
                "X-Amzn-Bedrock-Input-Token-Count", Long.toString(response.usage().totalInputTokens()),
                "X-Amzn-Bedrock-Output-Token-Count", Long.toString(response.usage().outputTokens()),
                "X-Amzn-Bedrock-Invocation-Latency", Long.toString(latencyMillis)));
    }
}
