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
import dev.quarry.surface.openai.ChatCompletionsDecoder;
import dev.quarry.surface.openai.ChatCompletionsEncoder;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * OpenAI Chat Completions bodies, as gpt-oss on Bedrock takes them: the Chat Completions request,
 * whose {@code model} and {@code stream} may be left out (the path and the operation decide them)
 * and must agree with them when given. The answer is a {@code chat.completion}, and the stream
 * {@code chat.completion.chunk}s, one per chunk. The OpenAI surface's codecs do the work.
 */
public record OpenAiInvoke() implements InvokeFamily {

    @Override
    public ChatRequest decode(String modelId, ObjectNode body, boolean streaming) {
        JsonNode model = body.get("model");
        if (model != null && !model.isNull() && !modelId.equals(model.asText())) {
            throw QuarryException.invalid("model", "'model' must be the model id of the request path (" + modelId + "), or be left out.");
        }
        JsonNode stream = body.get("stream");
        if (stream != null && !stream.isNull() && !(stream.isBoolean() && stream.booleanValue() == streaming)) {
            throw QuarryException.invalid("stream", "'stream' must be " + streaming + " for "
                    + (streaming ? "InvokeModelWithResponseStream" : "InvokeModel") + ", or be left out.");
        }
        ObjectNode completion = body.deepCopy();
        completion.put("model", modelId);
        // The stream always ends with the usage chunk (see stream), so the client's stream settings have nothing left to decide.
        completion.remove("stream");
        completion.remove("stream_options");
        return ChatCompletionsDecoder.decode(completion).request();
    }

    @Override
    public WireReply encode(ChatResponse response, String requestId, String modelId, long latencyMillis) {
        return InvokeReply.of(encoder(requestId, modelId).encode(response), response.usage(), latencyMillis);
    }

    /**
     * The OpenAI surface's encoder writes the chunks as Server-Sent Events, which are read back
     * and reframed: {@code [DONE]} is dropped (the stream's end says it), an error becomes the
     * exception frame, and the closing usage chunk, asked for so that the last chunk knows the
     * token counts, carries the invocation metrics.
     */
    @Override
    public void stream(EventStream events, OutputStream out, String requestId, String modelId, long inputEstimate, LongSupplier latencyMillis) {
        var failures = new FailureKeeper(events);
        var chunks = new ChunkWriter(out, latencyMillis);
        SseReframer.Listener reframe = (type, data) -> {
            if (data.equals("[DONE]")) return;
            ObjectNode chunk = Json.parseObject(data.getBytes(StandardCharsets.UTF_8));
            if (chunk.has("error")) {
                chunks.failure(failures.failureOr(data));
            } else if (chunk.path("choices").isEmpty() && chunk.path("usage").isObject()) {
                JsonNode usage = chunk.get("usage");
                chunks.last(chunk, usage.path("prompt_tokens").asLong(), usage.path("completion_tokens").asLong());
            } else {
                chunks.chunk(chunk);
            }
        };
        encoder(requestId, modelId).stream(failures, new SseWriter(new SseReframer(reframe)), true);
    }

    private static ChatCompletionsEncoder encoder(String requestId, String modelId) {
        return new ChatCompletionsEncoder("chatcmpl-" + requestId.substring(4), modelId, Instant.now().getEpochSecond());
    }
}
