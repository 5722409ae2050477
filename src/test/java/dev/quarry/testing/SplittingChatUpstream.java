package dev.quarry.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An OpenAI Chat Completions upstream that answers every request with the same scripted text, cut
 * into the chunks the test chose, one {@code delta.content} each: so a test can split a card
 * number or an email address across chunk boundaries exactly where it wants, and see what a
 * streaming guardrail makes of it. Chunks are paced ({@code pause} before each content chunk), and
 * the moment each one was written is recorded, so a test can tell whether the client saw text
 * before the upstream had finished, without any absolute timing threshold.
 *
 * <p>It speaks OpenAI's wire as OpenAI does: a role chunk first, content chunks, a chunk with the
 * {@code finish_reason}, with {@code stream_options.include_usage} a last chunk with no choices and
 * the usage (and {@code "usage": null} on every other chunk), then {@code data: [DONE]}. A
 * non-streaming request gets one {@code chat.completion} object with the whole text.
 */
public final class SplittingChatUpstream implements AutoCloseable {
    /** The prompt tokens every answer reports. */
    public static final int PROMPT_TOKENS = 12;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request served: its body, and when each content chunk left. */
    public static final class Served {
        private final JsonNode body;
        private final int chunks;
        private final List<Long> chunkSentAt = new CopyOnWriteArrayList<>();
        private volatile boolean finished;
        private volatile boolean ended;

        Served(JsonNode body, int chunks) {
            this.body = body;
            this.chunks = chunks;
        }

        /** The request body as received. */
        public JsonNode body() {
            return body;
        }

        /** {@link System#nanoTime()} just after each content chunk was flushed, in order. */
        public List<Long> chunkSentAt() {
            return List.copyOf(chunkSentAt);
        }

        /** Whether every chunk and the {@code [DONE]} were written: false when the client hung up first. */
        public boolean finished() {
            return finished;
        }

        /** Whether the stub is done with the request, finished or not. */
        public boolean ended() {
            return ended;
        }

        /** When the last content chunk was flushed; {@code Long.MAX_VALUE} when it never was. */
        public long lastChunkSentAt() {
            return chunkSentAt.size() == chunks ? chunkSentAt.getLast() : Long.MAX_VALUE;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<String> chunks;
    private final Duration pause;
    private final List<Served> served = new CopyOnWriteArrayList<>();

    private SplittingChatUpstream(List<String> chunks, Duration pause) {
        this.chunks = List.copyOf(chunks);
        this.pause = pause;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/chat/completions", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Answers with {@code chunks}, one content delta each, {@code pause} before each. */
    public static SplittingChatUpstream start(Duration pause, List<String> chunks) {
        return new SplittingChatUpstream(chunks, pause);
    }

    public static SplittingChatUpstream start(List<String> chunks) {
        return start(Duration.ZERO, chunks);
    }

    /** The base URL a provider is configured with, ending in {@code /v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Chat Completions requests received. */
    public int requests() {
        return served.size();
    }

    public List<Served> served() {
        return Collections.unmodifiableList(served);
    }

    /** The scripted answer, whole. */
    public String text() {
        return String.join("", chunks);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            Served record = new Served(body, chunks.size());
            served.add(record);
            String model = body.path("model").asText();
            String id = "chatcmpl-split-" + served.size();
            if (!body.path("stream").asBoolean(false)) {
                byte[] bytes = JSON.writeValueAsBytes(completion(id, model));
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
                record.finished = true;
                record.ended = true;
                return;
            }
            boolean usage = body.path("stream_options").path("include_usage").asBoolean(false);
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            try {
                ObjectNode role = JSON.createObjectNode().put("role", "assistant").put("content", "").putNull("refusal");
                send(out, chunk(id, model, role, null, usage));
                for (String text : chunks) {
                    if (!pause.isZero()) Thread.sleep(pause);
                    send(out, chunk(id, model, JSON.createObjectNode().put("content", text), null, usage));
                    record.chunkSentAt.add(System.nanoTime());
                }
                send(out, chunk(id, model, JSON.createObjectNode(), "stop", usage));
                if (usage) {
                    ObjectNode last = envelope(id, model, "chat.completion.chunk");
                    last.putArray("choices");
                    last.set("usage", usage());
                    send(out, last);
                }
                write(out, "[DONE]");
                record.finished = true;
            } catch (IOException | InterruptedException e) {
                // The client (Quarry) hung up, as it does when a guardrail blocks the answer: nothing more to send.
            } finally {
                record.ended = true;
            }
        }
    }

    private static void send(OutputStream out, ObjectNode event) throws IOException {
        write(out, JSON.writeValueAsString(event));
    }

    private static void write(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static ObjectNode chunk(String id, String model, ObjectNode delta, String finishReason, boolean includeUsage) {
        ObjectNode chunk = envelope(id, model, "chat.completion.chunk");
        chunk.putArray("choices").addObject().put("index", 0).<ObjectNode>set("delta", delta).putNull("logprobs")
                .put("finish_reason", finishReason);
        if (includeUsage) chunk.putNull("usage");
        return chunk;
    }

    private ObjectNode completion(String id, String model) {
        ObjectNode completion = envelope(id, model, "chat.completion");
        ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant").put("content", text()).putNull("refusal");
        message.putArray("annotations");
        choice.putNull("logprobs").put("finish_reason", "stop");
        completion.set("usage", usage());
        return completion;
    }

    private static ObjectNode envelope(String id, String model, String object) {
        return JSON.createObjectNode().put("id", id).put("object", object).put("created", System.currentTimeMillis() / 1000)
                .put("model", model).put("service_tier", "default").put("system_fingerprint", "fp_split");
    }

    private ObjectNode usage() {
        int completion = Math.max(1, (text().length() + 3) / 4);
        ObjectNode usage = JSON.createObjectNode().put("prompt_tokens", PROMPT_TOKENS).put("completion_tokens", completion)
                .put("total_tokens", PROMPT_TOKENS + completion);
        usage.putObject("prompt_tokens_details").put("cached_tokens", 0).put("audio_tokens", 0);
        usage.putObject("completion_tokens_details").put("reasoning_tokens", 0).put("audio_tokens", 0)
                .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
        return usage;
    }

    /** Chunks of a text cut at the given offsets. */
    public static List<String> cut(String text, int... at) {
        List<String> pieces = new ArrayList<>();
        int from = 0;
        for (int i : at) {
            pieces.add(text.substring(from, i));
            from = i;
        }
        pieces.add(text.substring(from));
        return pieces;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
