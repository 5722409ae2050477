package dev.quarry.surface.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.aws.EventStreamCodec;
import dev.quarry.aws.EventStreamMessage;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.surface.Json;
import dev.quarry.surface.SseWriter;
import dev.quarry.surface.anthropic.MessagesEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.LongSupplier;

/**
 * InvokeModelWithResponseStream for Anthropic bodies: each event of Anthropic's Messages stream
 * becomes a {@code chunk} frame whose payload is {@code {"bytes": base64(event JSON)}}, as Claude
 * on Bedrock streams.
 *
 * <p>The Anthropic surface's encoder writes the events, as Server-Sent Events; this class reads
 * them back from its output one event at a time and reframes them. It also does what Bedrock
 * does on the way: drops {@code ping}s, adds {@code amazon-bedrock-invocationMetrics} to
 * {@code message_stop}, and turns a failure into the stream's exception frame with the
 * original error (the encoder's {@code error} event would lose its kind).
 */
public final class AnthropicChunkStream {
    private static final String METRICS = "amazon-bedrock-invocationMetrics";

    private AnthropicChunkStream() {}

    /**
     * @param id            the {@code msg_…} id of the answer
     * @param inputEstimate the input tokens reported before the real count is known
     * @param latencyMillis how long the call has taken so far
     */
    public static void write(EventStream events, OutputStream out, String id, String modelId, long inputEstimate, LongSupplier latencyMillis) {
        var failures = new FailureKeeper(events);
        var chunks = new Reframer(out, failures, latencyMillis);
        new MessagesEncoder(id, modelId).stream(failures, new SseWriter(chunks), inputEstimate);
    }

    /** Passes a stream through, keeping the error it ended with. */
    private static final class FailureKeeper implements EventStream {
        private final EventStream events;
        private QuarryError failure;

        FailureKeeper(EventStream events) {
            this.events = events;
        }

        @Override
        public boolean hasNext() {
            try {
                return events.hasNext();
            } catch (QuarryException e) {
                failure = e.error();
                throw e;
            }
        }

        @Override
        public StreamEvent next() {
            try {
                return events.next();
            } catch (QuarryException e) {
                failure = e.error();
                throw e;
            }
        }

        @Override
        public void close() {
            events.close();
        }
    }

    /** Takes the SSE bytes the encoder writes and sends each complete event on as a frame when the encoder flushes. */
    private static final class Reframer extends OutputStream {
        private final OutputStream out;
        private final FailureKeeper failures;
        private final LongSupplier latencyMillis;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private long firstByteMillis = -1;
        private JsonNode usage = Json.object();

        Reframer(OutputStream out, FailureKeeper failures, LongSupplier latencyMillis) {
            this.out = out;
            this.failures = failures;
            this.latencyMillis = latencyMillis;
        }

        @Override
        public void write(int b) {
            pending.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            pending.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            String text = pending.toString(StandardCharsets.UTF_8);
            int end;
            while ((end = text.indexOf("\n\n")) >= 0) {
                send(text.substring(0, end));
                text = text.substring(end + 2);
            }
            pending.reset();
            pending.writeBytes(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** One SSE event: an {@code event:} line and a {@code data:} line, as {@link SseWriter} writes them. */
        private void send(String event) throws IOException {
            String type = "";
            String data = "";
            for (String line : event.split("\n")) {
                if (line.startsWith("event: ")) type = line.substring(7);
                else if (line.startsWith("data: ")) data = line.substring(6);
            }
            switch (type) {
                case "ping" -> { }
                case "error" -> EventStreamCodec.write(BedrockErrors.exceptionFrame(failure(data)), out);
                default -> chunk(type, data);
            }
        }

        /** The stream's own error; or, when the encoder itself refused what the model sent, the one it reported. */
        private QuarryError failure(String errorEvent) {
            if (failures.failure != null) return failures.failure;
            return QuarryError.of(ErrorKind.UPSTREAM_ERROR, Json.parseObject(errorEvent.getBytes(StandardCharsets.UTF_8)).path("error").path("message").asText());
        }

        private void chunk(String type, String data) throws IOException {
            if (firstByteMillis < 0) firstByteMillis = latencyMillis.getAsLong();
            byte[] json = data.getBytes(StandardCharsets.UTF_8);
            if (type.equals("message_delta")) usage = Json.parseObject(json).path("usage");
            if (type.equals("message_stop")) json = withMetrics(json);
            byte[] payload = Json.bytes(Json.object().put("bytes", Base64.getEncoder().encodeToString(json)));
            EventStreamCodec.write(EventStreamMessage.event("chunk", payload), out);
        }

        private byte[] withMetrics(byte[] messageStop) {
            ObjectNode event = Json.parseObject(messageStop);
            event.putObject(METRICS)
                    .put("inputTokenCount", usage.path("input_tokens").asLong() + usage.path("cache_read_input_tokens").asLong()
                            + usage.path("cache_creation_input_tokens").asLong())
                    .put("outputTokenCount", usage.path("output_tokens").asLong())
                    .put("invocationLatency", latencyMillis.getAsLong())
                    .put("firstByteLatency", firstByteMillis);
            return Json.bytes(event);
        }
    }
}
