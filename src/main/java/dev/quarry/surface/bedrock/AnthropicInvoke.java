package dev.quarry.surface.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ChatResponse;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.QuarryException;
import dev.quarry.surface.Json;
import dev.quarry.surface.SseWriter;
import dev.quarry.surface.WireReply;
import dev.quarry.surface.anthropic.MessagesDecoder;
import dev.quarry.surface.anthropic.MessagesEncoder;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Anthropic Messages bodies, as Claude on Bedrock takes them: the Messages request without
 * {@code model} (the path names it) and with {@code "anthropic_version": "bedrock-2023-05-31"};
 * the answer is the Anthropic message object, and the stream Anthropic's events, one per chunk.
 * The Anthropic surface's codecs do the work; this class adapts the envelope.
 */
public record AnthropicInvoke() implements InvokeFamily {
    public static final String VERSION = "bedrock-2023-05-31";

    @Override
    public ChatRequest decode(String modelId, ObjectNode body, boolean streaming) {
        JsonNode version = body.get("anthropic_version");
        if (version == null || !version.isTextual() || !version.textValue().equals(VERSION)) {
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

    @Override
    public WireReply encode(ChatResponse response, String requestId, String modelId, long latencyMillis) {
        return InvokeReply.of(new MessagesEncoder(messageId(requestId), modelId).encode(response), response.usage(), latencyMillis);
    }

    /**
     * The Anthropic surface's encoder writes the events as Server-Sent Events, which are read
     * back and reframed. On the way this does what Bedrock does: drops {@code ping}s, adds the
     * invocation metrics to {@code message_stop}, and turns a failure into the stream's exception
     * frame with the original error (the encoder's {@code error} event would lose its kind).
     */
    @Override
    public void stream(EventStream events, OutputStream out, String requestId, String modelId, long inputEstimate, LongSupplier latencyMillis) {
        var failures = new FailureKeeper(events);
        var reframe = new Reframe(failures, new ChunkWriter(out, latencyMillis));
        new MessagesEncoder(messageId(requestId), modelId).stream(failures, new SseWriter(new SseReframer(reframe)), inputEstimate);
    }

    /** Sends each Anthropic event on as a chunk; keeps {@code message_delta}'s usage for the metrics. */
    private static final class Reframe implements SseReframer.Listener {
        private final FailureKeeper failures;
        private final ChunkWriter chunks;
        private JsonNode usage = Json.object();

        Reframe(FailureKeeper failures, ChunkWriter chunks) {
            this.failures = failures;
            this.chunks = chunks;
        }

        @Override
        public void on(String type, String data) {
            switch (type) {
                case "ping" -> { }
                case "error" -> chunks.failure(failures.failureOr(data));
                case "message_stop" -> chunks.last(event(data), usage.path("input_tokens").asLong()
                        + usage.path("cache_read_input_tokens").asLong() + usage.path("cache_creation_input_tokens").asLong(),
                        usage.path("output_tokens").asLong());
                default -> {
                    ObjectNode event = event(data);
                    if (type.equals("message_delta")) usage = event.path("usage");
                    chunks.chunk(event);
                }
            }
        }
    }

    private static ObjectNode event(String data) {
        return Json.parseObject(data.getBytes(StandardCharsets.UTF_8));
    }

    /** Anthropic on Bedrock names its messages {@code msg_bdrk_…}. */
    private static String messageId(String requestId) {
        return "msg_bdrk_" + requestId.substring(4);
    }
}
