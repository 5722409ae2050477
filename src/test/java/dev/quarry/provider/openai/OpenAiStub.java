package dev.quarry.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.quarry.canonical.Usage;
import dev.quarry.provider.ProviderContractTest;
import dev.quarry.provider.UpstreamScript;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local stand-in for api.openai.com that speaks its wire formats exactly: streamed Chat
 * Completions chunks (tool call arguments split over several chunks, the usage chunk with
 * {@code choices: []}, then {@code data: [DONE]}), the Responses API's named SSE events, and
 * embeddings. A Chat Completions request with {@code "stream": false} gets the same answer whole, as
 * one {@code chat.completion}. Tests script each answer in advance and read back the requests it received.
 */
public final class OpenAiStub implements AutoCloseable {
    /** What every scripted answer reports: 120 prompt tokens of which 20 cached, and 30 output tokens. */
    public static final Usage USAGE = new Usage(100, 30, 20, 0);
    public static final long EMBEDDING_TOKENS = 8;
    private static final int PROMPT_TOKENS = 120;
    private static final int CACHED_TOKENS = 20;
    private static final int OUTPUT_TOKENS = 30;
    /** Characters per streamed delta: small, so that every answer streams in several pieces. */
    private static final int PIECE = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as the stub received it. */
    public record Request(String method, String path, Map<String, List<String>> headers, JsonNode body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                    .map(h -> h.getValue().getFirst()).findFirst().orElse(null);
        }
    }

    /** A piece of a scripted answer. */
    public sealed interface Part {}

    public record Text(String text) implements Part {}

    public record ToolCall(String id, String name, String arguments, boolean custom) implements Part {}

    public record Reasoning(String text) implements Part {}

    /** How the next request is answered. */
    public sealed interface Script {}

    /**
     * A streamed answer. {@code truncated}: it stops at the output token limit. {@code cutAfter}:
     * the stub hangs up after that many SSE events (negative: never).
     */
    public record Answer(List<Part> parts, boolean truncated, int cutAfter) implements Script {}

    /** A call accepted with HTTP 200 whose stream then carries only an error, as OpenAI does when overloaded mid-call. */
    public record StreamedError(String code, String message) implements Script {}

    /** An error answer in OpenAI's error shape. */
    public record Failure(int status, String type, String code, String message, String param, String retryAfter) implements Script {}

    /** A body sent as it is with HTTP 200, whatever was asked: for upstreams that answer in an unexpected shape. */
    public record Raw(String contentType, String body) implements Script {}

    /** An embeddings answer, listing the vectors in reverse order, as the API is free to. */
    public record Embeddings(List<float[]> vectors) implements Script {}

    /**
     * Checks each request's credentials before it is answered, as an upstream does; stubs of hosts
     * that sign their calls (Bedrock's OpenAI-compatible endpoint) verify signatures here.
     */
    @FunctionalInterface
    public interface Gate {
        /**
         * @param rawPath the path as it arrived, still percent-encoded
         * @return the refusal to send instead of the scripted answer, or empty to answer
         */
        Optional<Failure> check(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body);
    }

    private final Gate gate;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Queue<Script> scripts = new ConcurrentLinkedQueue<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private OpenAiStub(Gate gate) throws IOException {
        this.gate = gate;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public static OpenAiStub start() {
        return start((method, rawPath, rawQuery, headers, body) -> Optional.empty());
    }

    /** A stub that answers only the requests {@code gate} lets through. */
    public static OpenAiStub start(Gate gate) {
        try {
            return new OpenAiStub(gate);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base URL a provider is configured with, {@code /v1} included. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    public OpenAiStub then(Script script) {
        scripts.add(script);
        return this;
    }

    /** The script vocabulary the other stubs share, rendered as this stub's own scripts. */
    public OpenAiStub then(UpstreamScript script) {
        return then(switch (script) {
            case UpstreamScript.Answer a -> new Answer(a.parts().stream().map(OpenAiStub::part).toList(), a.truncated(), a.cutAfter());
            case UpstreamScript.Failure f -> failure(f.failure());
            case UpstreamScript.StreamedOverload o -> streamedError("server_is_overloaded", "The server is overloaded.");
            case UpstreamScript.RawError r -> throw new IllegalArgumentException("script the OpenAI stub's raw errors as OpenAiStub.Failure");
        });
    }

    private static Part part(UpstreamScript.Part part) {
        return switch (part) {
            case UpstreamScript.Text t -> text(t.text());
            case UpstreamScript.ToolCall c -> toolCall(c.id(), c.name(), c.arguments());
            case UpstreamScript.Reasoning r -> reasoning(r.text());
        };
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public Request lastRequest() {
        return requests.getLast();
    }

    public static Answer answer(Part... parts) {
        return new Answer(List.of(parts), false, -1);
    }

    public static Answer truncated(Part... parts) {
        return new Answer(List.of(parts), true, -1);
    }

    public static Answer cutAfter(int events, Part... parts) {
        return new Answer(List.of(parts), false, events);
    }

    public static Text text(String text) {
        return new Text(text);
    }

    public static ToolCall toolCall(String id, String name, String arguments) {
        return new ToolCall(id, name, arguments, false);
    }

    public static ToolCall customToolCall(String id, String name, String input) {
        return new ToolCall(id, name, input, true);
    }

    public static Reasoning reasoning(String text) {
        return new Reasoning(text);
    }

    public static Failure failure(int status, String type, String code, String message) {
        return new Failure(status, type, code, message, null, null);
    }

    public static Failure rateLimited(int retryAfterSeconds) {
        return new Failure(429, "requests", "rate_limit_exceeded", "Rate limit reached for requests.", null,
                Integer.toString(retryAfterSeconds));
    }

    /** OpenAI's own answer for each failure the contract kit scripts. */
    public static Failure failure(ProviderContractTest.UpstreamFailure failure) {
        return switch (failure) {
            case RATE_LIMITED -> rateLimited((int) ProviderContractTest.RETRY_AFTER.toSeconds());
            case SERVER_ERROR -> failure(500, "server_error", null, "The server had an error while processing your request.");
            case BAD_CREDENTIALS -> failure(401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided: sk-wrong.");
            case CONTEXT_TOO_LONG -> new Failure(400, "invalid_request_error", "context_length_exceeded",
                    "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.", "messages", null);
            case BAD_REQUEST -> new Failure(400, "invalid_request_error", "invalid_value",
                    "Invalid value for 'temperature': must be at most 2.", "temperature", null);
        };
    }

    public static StreamedError streamedError(String code, String message) {
        return new StreamedError(code, message);
    }

    public static Embeddings embeddings(float[]... vectors) {
        return new Embeddings(List.of(vectors));
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Not closing the exchange on a hang-up is the point: the server then drops the connection mid-body. */
    private void handle(HttpExchange exchange) throws IOException {
        byte[] raw = exchange.getRequestBody().readAllBytes();
        JsonNode body = raw.length == 0 ? JSON.nullNode() : JSON.readTree(raw);
        String path = exchange.getRequestURI().getPath();
        requests.add(new Request(exchange.getRequestMethod(), path, Map.copyOf(exchange.getRequestHeaders()), body));
        Optional<Failure> refused = gate.check(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), raw);
        if (refused.isPresent()) {
            sendJson(exchange, refused.get().status(), error(refused.get().type(), refused.get().code(), refused.get().message(), null));
            exchange.close();
            return;
        }
        Script script = scripts.poll();
        switch (script) {
            case null -> sendJson(exchange, 500, error("server_error", null, "stub: no answer was scripted for " + path, null));
            case Failure f -> {
                if (f.retryAfter() != null) exchange.getResponseHeaders().add("Retry-After", f.retryAfter());
                sendJson(exchange, f.status(), error(f.type(), f.code(), f.message(), f.param()));
            }
            case StreamedError e when path.equals("/v1/chat/completions") && !streams(body) ->
                    sendJson(exchange, 200, error("server_error", e.code(), e.message(), null));
            case StreamedError e when path.equals("/v1/chat/completions") ->
                    stream(exchange, List.of(sse(null, error("server_error", e.code(), e.message(), null))), -1);
            case StreamedError e when path.equals("/v1/responses") -> stream(exchange, failedResponse(e, body.path("model").asText()), -1);
            case Answer a when path.equals("/v1/chat/completions") && !streams(body) ->
                    sendWhole(exchange, completion(a, body.path("model").asText()), a.cutAfter() >= 0);
            case Answer a when path.equals("/v1/chat/completions") -> stream(exchange, chatChunks(a, body.path("model").asText()), a.cutAfter());
            case Answer a when path.equals("/v1/responses") -> stream(exchange, responsesEvents(a, body.path("model").asText()), a.cutAfter());
            case Embeddings e when path.equals("/v1/embeddings") -> sendJson(exchange, 200, embeddingsAnswer(e, body.path("model").asText()));
            case Raw r -> {
                byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", r.contentType());
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
            default -> sendJson(exchange, 404, error("invalid_request_error", "unknown_url", "stub: " + script + " cannot answer " + path, null));
        }
        exchange.close();
    }

    /** Thrown out of the handler so that the server drops the connection without finishing the body. */
    private static final class HangUp extends RuntimeException {
        HangUp() {
            super("stub: hanging up mid-stream, as scripted", null, false, false);
        }
    }

    private static ObjectNode error(String type, String code, String message, String param) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("error").put("message", message).put("type", type).put("param", param).put("code", code);
        return root;
    }

    private static void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static boolean streams(JsonNode request) {
        return request.path("stream").asBoolean(false);
    }

    /** Writes a whole JSON answer; a cut one hangs up halfway through its body. */
    private static void sendWhole(HttpExchange exchange, JsonNode body, boolean cut) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        if (!cut) {
            exchange.getResponseBody().write(bytes);
            return;
        }
        exchange.getResponseBody().write(bytes, 0, bytes.length / 2);
        exchange.getResponseBody().flush();
        throw new HangUp();
    }

    /** Writes SSE events, flushing each, and hangs up after {@code cutAfter} of them if told to. */
    private static void stream(HttpExchange exchange, List<String> events, int cutAfter) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        for (int i = 0; i < events.size(); i++) {
            if (i == cutAfter) throw new HangUp();
            out.write(events.get(i).getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    // ---- Chat Completions

    private static List<String> chatChunks(Answer answer, String model) {
        List<String> events = new ArrayList<>();
        ChunkWriter chunks = new ChunkWriter(model, events);
        chunks.delta(JSON.createObjectNode().put("role", "assistant").put("content", "").putNull("refusal"), null);
        int toolIndex = 0;
        for (Part part : answer.parts()) {
            switch (part) {
                case Text t -> pieces(t.text()).forEach(p -> chunks.delta(JSON.createObjectNode().put("content", p), null));
                // vLLM's and DeepSeek's field; OpenAI itself streams no reasoning on this API.
                case Reasoning r -> pieces(r.text()).forEach(p -> chunks.delta(JSON.createObjectNode().put("reasoning_content", p), null));
                case ToolCall c when c.custom() -> throw new IllegalArgumentException("Chat Completions has no custom tool calls");
                case ToolCall c -> {
                    int index = toolIndex++;
                    ObjectNode first = JSON.createObjectNode();
                    first.putArray("tool_calls").addObject().put("index", index).put("id", c.id()).put("type", "function")
                            .putObject("function").put("name", c.name()).put("arguments", "");
                    chunks.delta(first, null);
                    for (String piece : pieces(c.arguments())) {
                        ObjectNode next = JSON.createObjectNode();
                        next.putArray("tool_calls").addObject().put("index", index).putObject("function").put("arguments", piece);
                        chunks.delta(next, null);
                    }
                }
            }
        }
        chunks.delta(JSON.createObjectNode(), answer.truncated() ? "length" : toolIndex > 0 ? "tool_calls" : "stop");
        ObjectNode usage = chunks.chunk();
        usage.putArray("choices");
        usage.set("usage", usage());
        events.add(sse(null, usage));
        events.add("data: [DONE]\n\n");
        return events;
    }

    /** The answer whole, as a {@code chat.completion}: the message holds every part, tool calls in order. */
    private static ObjectNode completion(Answer answer, String model) {
        ObjectNode message = JSON.createObjectNode().put("role", "assistant");
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        ArrayNode calls = JSON.createArrayNode();
        for (Part part : answer.parts()) {
            switch (part) {
                case Text t -> text.append(t.text());
                case Reasoning r -> reasoning.append(r.text());
                case ToolCall c when c.custom() -> throw new IllegalArgumentException("Chat Completions has no custom tool calls");
                case ToolCall c -> calls.addObject().put("id", c.id()).put("type", "function")
                        .putObject("function").put("name", c.name()).put("arguments", c.arguments());
            }
        }
        if (!reasoning.isEmpty()) message.put("reasoning_content", reasoning.toString());
        if (text.isEmpty()) message.putNull("content");
        else message.put("content", text.toString());
        message.putNull("refusal");
        if (!calls.isEmpty()) message.set("tool_calls", calls);
        ObjectNode root = JSON.createObjectNode().put("id", "chatcmpl-stub").put("object", "chat.completion")
                .put("created", 1_700_000_000).put("model", model);
        root.putArray("choices").addObject().put("index", 0).<ObjectNode>set("message", message).putNull("logprobs")
                .put("finish_reason", answer.truncated() ? "length" : calls.isEmpty() ? "stop" : "tool_calls");
        root.set("usage", usage());
        root.put("service_tier", "default").put("system_fingerprint", "fp_stub");
        return root;
    }

    private static ObjectNode usage() {
        return JSON.createObjectNode().put("prompt_tokens", PROMPT_TOKENS).put("completion_tokens", OUTPUT_TOKENS)
                .put("total_tokens", PROMPT_TOKENS + OUTPUT_TOKENS)
                .<ObjectNode>set("prompt_tokens_details", JSON.createObjectNode().put("cached_tokens", CACHED_TOKENS).put("audio_tokens", 0))
                .set("completion_tokens_details", JSON.createObjectNode().put("reasoning_tokens", 0).put("audio_tokens", 0));
    }

    /** Writes {@code chat.completion.chunk}s; with include_usage every chunk but the last has {@code usage: null}. */
    private record ChunkWriter(String model, List<String> events) {
        ObjectNode chunk() {
            return JSON.createObjectNode().put("id", "chatcmpl-stub").put("object", "chat.completion.chunk")
                    .put("created", 1_700_000_000).put("model", model).put("service_tier", "default")
                    .put("system_fingerprint", "fp_stub");
        }

        void delta(ObjectNode delta, String finishReason) {
            ObjectNode chunk = chunk();
            chunk.putArray("choices").addObject().put("index", 0).<ObjectNode>set("delta", delta).putNull("logprobs")
                    .put("finish_reason", finishReason);
            chunk.putNull("usage");
            events.add(sse(null, chunk));
        }
    }

    // ---- Responses

    private static List<String> responsesEvents(Answer answer, String model) {
        ResponsesWriter out = new ResponsesWriter(new ArrayList<>());
        ObjectNode response = JSON.createObjectNode().put("id", "resp_stub").put("object", "response")
                .put("created_at", 1_700_000_000).put("status", "in_progress").put("model", model);
        response.putArray("output");
        response.putNull("usage");
        out.event("response.created", JSON.createObjectNode().set("response", response.deepCopy()));
        out.event("response.in_progress", JSON.createObjectNode().set("response", response.deepCopy()));
        ArrayNode output = JSON.createArrayNode();
        for (int index = 0; index < answer.parts().size(); index++) {
            output.add(out.item(index, answer.parts().get(index)));
        }
        response.set("output", output);
        response.putObject("usage").put("input_tokens", PROMPT_TOKENS)
                .<ObjectNode>set("input_tokens_details", JSON.createObjectNode().put("cached_tokens", CACHED_TOKENS))
                .put("output_tokens", OUTPUT_TOKENS)
                .<ObjectNode>set("output_tokens_details", JSON.createObjectNode().put("reasoning_tokens", 0))
                .put("total_tokens", PROMPT_TOKENS + OUTPUT_TOKENS);
        if (answer.truncated()) {
            response.put("status", "incomplete").putObject("incomplete_details").put("reason", "max_output_tokens");
            out.event("response.incomplete", JSON.createObjectNode().set("response", response));
        } else {
            response.put("status", "completed");
            out.event("response.completed", JSON.createObjectNode().set("response", response));
        }
        return out.events();
    }

    private static List<String> failedResponse(StreamedError failure, String model) {
        ResponsesWriter out = new ResponsesWriter(new ArrayList<>());
        ObjectNode response = JSON.createObjectNode().put("id", "resp_stub").put("object", "response").put("status", "in_progress").put("model", model);
        out.event("response.created", JSON.createObjectNode().set("response", response.deepCopy()));
        response.put("status", "failed").putObject("error").put("code", failure.code()).put("message", failure.message());
        out.event("response.failed", JSON.createObjectNode().set("response", response));
        return out.events();
    }

    /** Writes Responses events: each with its {@code event:} line, {@code type} and {@code sequence_number}. */
    private record ResponsesWriter(List<String> events) {
        void event(String type, ObjectNode data) {
            ObjectNode event = JSON.createObjectNode().put("type", type).put("sequence_number", events.size());
            event.setAll(data);
            events.add(sse(type, event));
        }

        /** Streams one output item: added, its deltas, their done events, and the item done. */
        ObjectNode item(int index, Part part) {
            ObjectNode item = switch (part) {
                case Text _ -> JSON.createObjectNode().put("id", "msg_" + index).put("type", "message").put("status", "in_progress")
                        .<ObjectNode>set("content", JSON.createArrayNode()).put("role", "assistant");
                case ToolCall c when c.custom() -> JSON.createObjectNode().put("id", "ctc_" + index).put("type", "custom_tool_call")
                        .put("status", "in_progress").put("call_id", c.id()).put("name", c.name()).put("input", "");
                case ToolCall c -> JSON.createObjectNode().put("id", "fc_" + index).put("type", "function_call")
                        .put("status", "in_progress").put("arguments", "").put("call_id", c.id()).put("name", c.name());
                case Reasoning _ -> JSON.createObjectNode().put("id", "rs_" + index).put("type", "reasoning")
                        .set("summary", JSON.createArrayNode());
            };
            String itemId = item.path("id").asText();
            event("response.output_item.added", JSON.createObjectNode().put("output_index", index).set("item", item.deepCopy()));
            switch (part) {
                case Text t -> {
                    ObjectNode emptyPart = JSON.createObjectNode().put("type", "output_text").put("text", "");
                    emptyPart.putArray("annotations");
                    event("response.content_part.added", located(itemId, index).put("content_index", 0).set("part", emptyPart));
                    for (String piece : pieces(t.text())) {
                        ObjectNode delta = located(itemId, index).put("content_index", 0).put("delta", piece);
                        delta.putArray("logprobs");
                        event("response.output_text.delta", delta);
                    }
                    ObjectNode done = located(itemId, index).put("content_index", 0).put("text", t.text());
                    done.putArray("logprobs");
                    event("response.output_text.done", done);
                    ObjectNode fullPart = emptyPart.deepCopy().put("text", t.text());
                    event("response.content_part.done", located(itemId, index).put("content_index", 0).set("part", fullPart));
                    item.put("status", "completed").putArray("content").add(fullPart);
                }
                case ToolCall c -> {
                    String kind = c.custom() ? "response.custom_tool_call_input" : "response.function_call_arguments";
                    for (String piece : pieces(c.arguments())) event(kind + ".delta", located(itemId, index).put("delta", piece));
                    event(kind + ".done", located(itemId, index).put(c.custom() ? "input" : "arguments", c.arguments()));
                    item.put("status", "completed").put(c.custom() ? "input" : "arguments", c.arguments());
                }
                case Reasoning r -> {
                    ObjectNode emptyPart = JSON.createObjectNode().put("type", "summary_text").put("text", "");
                    event("response.reasoning_summary_part.added", located(itemId, index).put("summary_index", 0).set("part", emptyPart));
                    for (String piece : pieces(r.text())) {
                        event("response.reasoning_summary_text.delta", located(itemId, index).put("summary_index", 0).put("delta", piece));
                    }
                    event("response.reasoning_summary_text.done", located(itemId, index).put("summary_index", 0).put("text", r.text()));
                    ObjectNode fullPart = emptyPart.deepCopy().put("text", r.text());
                    event("response.reasoning_summary_part.done", located(itemId, index).put("summary_index", 0).set("part", fullPart));
                    item.putArray("summary").add(fullPart);
                }
            }
            event("response.output_item.done", JSON.createObjectNode().put("output_index", index).set("item", item));
            return item;
        }

        private static ObjectNode located(String itemId, int outputIndex) {
            return JSON.createObjectNode().put("item_id", itemId).put("output_index", outputIndex);
        }
    }

    // ---- Embeddings

    private static ObjectNode embeddingsAnswer(Embeddings embeddings, String model) {
        ObjectNode root = JSON.createObjectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        for (int i = embeddings.vectors().size() - 1; i >= 0; i--) {
            ArrayNode vector = data.addObject().put("object", "embedding").put("index", i).putArray("embedding");
            for (float value : embeddings.vectors().get(i)) vector.add(value);
        }
        root.put("model", model).putObject("usage").put("prompt_tokens", EMBEDDING_TOKENS).put("total_tokens", EMBEDDING_TOKENS);
        return root;
    }

    // ---- shared

    private static String sse(String event, JsonNode data) {
        try {
            return (event == null ? "" : "event: " + event + "\n") + "data: " + JSON.writeValueAsString(data) + "\n\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        for (int start = 0; start < text.length(); start += PIECE) pieces.add(text.substring(start, Math.min(text.length(), start + PIECE)));
        return pieces;
    }
}
