package dev.quarry.surface.bedrock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.aws.EventStreamCodec;
import dev.quarry.aws.EventStreamMessage;
import dev.quarry.canonical.QuarryError;
import dev.quarry.surface.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.function.LongSupplier;

/**
 * The framing every InvokeModelWithResponseStream answer shares, whatever the body family: each
 * model event is a {@code chunk} frame with payload {@code {"bytes": base64(event JSON)}}; the
 * last one carries {@code amazon-bedrock-invocationMetrics}, as Bedrock adds it; a failure is
 * the stream's exception frame. Frames are flushed as written; a client that went away surfaces
 * as {@link UncheckedIOException}.
 */
final class ChunkWriter {
    private static final String METRICS = "amazon-bedrock-invocationMetrics";

    private final OutputStream out;
    private final LongSupplier latencyMillis;
    private long firstByteMillis = -1;

    /** @param latencyMillis how long the call has taken so far */
    ChunkWriter(OutputStream out, LongSupplier latencyMillis) {
        this.out = out;
        this.latencyMillis = latencyMillis;
    }

    void chunk(ObjectNode event) {
        if (firstByteMillis < 0) firstByteMillis = latencyMillis.getAsLong();
        byte[] payload = Json.bytes(Json.object().put("bytes", Base64.getEncoder().encodeToString(Json.bytes(event))));
        send(EventStreamMessage.event("chunk", payload));
    }

    /** The stream's last event, with the call's token counts and latencies added. */
    void last(ObjectNode event, long inputTokens, long outputTokens) {
        if (firstByteMillis < 0) firstByteMillis = latencyMillis.getAsLong();
        event.putObject(METRICS)
                .put("inputTokenCount", inputTokens)
                .put("outputTokenCount", outputTokens)
                .put("invocationLatency", latencyMillis.getAsLong())
                .put("firstByteLatency", firstByteMillis);
        chunk(event);
    }

    void failure(QuarryError error) {
        send(BedrockErrors.exceptionFrame(error));
    }

    /** A frame another encoder wrote, passed on as it is. */
    void send(EventStreamMessage frame) {
        try {
            EventStreamCodec.write(frame, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
