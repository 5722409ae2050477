package dev.quarry.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI Chat Completions upstream that misbehaves on purpose, to test how the gateway copes:
 * retries, fallback to another provider, circuit breakers. Each request to
 * {@code POST .../chat/completions} is answered (streamed, or as one JSON object), refused in
 * OpenAI's own error shapes (429 with {@code Retry-After}, 500, context window exceeded, Azure's
 * content filter), reset without an answer, or cut off mid-body, as a seeded {@link Chaos} decides.
 *
 * <p>It speaks HTTP/1.1 by hand over a raw {@link ServerSocket} because a reset and a cut must be
 * real TCP events to the gateway's pooled client, which an HTTP server library would turn into
 * polite closes. Connections are kept alive, since the gateway reuses them.
 */
public final class ChaosUpstream implements AutoCloseable {
    /** The prompt tokens every answer reports; its completion tokens are its {@link Chaos#words() words}. */
    public static final int PROMPT_TOKENS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How the upstream behaves. The chances are tried in the order of the components, one draw
     * each per request, and the first that hits decides; with none, the request is answered.
     *
     * @param latency the wait after a request is read and before anything is sent back (or the reset)
     * @param jitter a uniformly random extra wait, up to this much
     * @param resetRate the chance of resetting the connection instead of answering
     * @param throttleRate the chance of a 429 with {@code Retry-After: retryAfterSeconds}
     * @param errorRate the chance of a 500
     * @param contextWindowExceededRate the chance of a 400 {@code context_length_exceeded}
     * @param contentFilterRate the chance of a 400 {@code content_filter}, as Azure OpenAI refuses a prompt
     * @param retryAfterSeconds what a 429 asks the caller to wait
     * @param cutAfterChunks when 0 or more, answers are reset after this many SSE events, the role
     *        chunk being the first (a JSON answer after half its body); -1: never
     * @param words the words of an answer, {@code word0 word1 ...}, one content delta each
     * @param seed the seed of the draws, restarted each time the chaos is set
     */
    public record Chaos(Duration latency, Duration jitter, double resetRate, double throttleRate, double errorRate,
                        double contextWindowExceededRate, double contentFilterRate, int retryAfterSeconds,
                        int cutAfterChunks, int words, long seed) {
        /** No chaos: every request is answered at once with five words. */
        public static final Chaos NONE = new Chaos(Duration.ZERO, Duration.ZERO, 0, 0, 0, 0, 0, 1, -1, 5, 0);

        public Chaos {
            if (latency.isNegative() || jitter.isNegative()) throw new IllegalArgumentException("negative latency or jitter");
            for (double rate : new double[] {resetRate, throttleRate, errorRate, contextWindowExceededRate, contentFilterRate}) {
                if (!(rate >= 0 && rate <= 1)) throw new IllegalArgumentException("a rate is a probability, not " + rate);
            }
            if (retryAfterSeconds < 0) throw new IllegalArgumentException("retryAfterSeconds " + retryAfterSeconds);
            if (cutAfterChunks < -1) throw new IllegalArgumentException("cutAfterChunks " + cutAfterChunks);
            if (words < 0) throw new IllegalArgumentException("words " + words);
        }

        public Chaos withLatency(Duration latency) {
            return new Chaos(latency, jitter, resetRate, throttleRate, errorRate, contextWindowExceededRate, contentFilterRate,
                    retryAfterSeconds, cutAfterChunks, words, seed);
        }

        public Chaos withJitter(Duration jitter) {
            return new Chaos(latency, jitter, resetRate, throttleRate, errorRate, contextWindowExceededRate, contentFilterRate,
                    retryAfterSeconds, cutAfterChunks, words, seed);
        }

        public Chaos withResetRate(double resetRate) {
            return new Chaos(latency, jitter, resetRate, throttleRate, errorRate, contextWindowExceededRate, contentFilterRate,
                    retryAfterSeconds, cutAfterChunks, words, seed);
        }

        public Chaos withThrottleRate(double throttleRate) {
            return new Chaos(latency, jitter, resetRate, throttleRate, errorRate, contextWindowExceededRate, contentFilterRate,
                    retryAfterSeconds, cutAfterChunks, words, seed);
        }

        public Chaos withErrorRate(double errorRate) {
            return new Chaos(latency, jitter, resetRate, throttleRate, errorRate, contextWindowExceededRate, contentFilterRate,
                    retryAfterSeconds, cutAfterChunks, words, seed);
        }

        public Chaos withContextWindowExceededRate(double contextWindowExceededRate) {
            return new Chaos(latency, jitter, resetRate, throttleRate, errorRate, contextWindowExceededRate, contentFilterRate,
                    retryAfterSeconds, cutAfterChunks, words, seed);
        }

        public Chaos withContentFilterRate(double contentFilterRate) {
            return new Chaos(latency, jitter, resetRate, throttleRate, errorRate, contextWindowExceededRate, contentFilterRate,
                    retryAfterSeconds, cutAfterChunks, words, seed);
        }

        public Chaos withRetryAfterSeconds(int retryAfterSeconds) {
            return new Chaos(latency, jitter, resetRate, throttleRate, errorRate, contextWindowExceededRate, contentFilterRate,
                    retryAfterSeconds, cutAfterChunks, words, seed);
        }

        public Chaos withCutAfterChunks(int cutAfterChunks) {
            return new Chaos(latency, jitter, resetRate, throttleRate, errorRate, contextWindowExceededRate, contentFilterRate,
                    retryAfterSeconds, cutAfterChunks, words, seed);
        }

        public Chaos withWords(int words) {
            return new Chaos(latency, jitter, resetRate, throttleRate, errorRate, contextWindowExceededRate, contentFilterRate,
                    retryAfterSeconds, cutAfterChunks, words, seed);
        }

        public Chaos withSeed(long seed) {
            return new Chaos(latency, jitter, resetRate, throttleRate, errorRate, contextWindowExceededRate, contentFilterRate,
                    retryAfterSeconds, cutAfterChunks, words, seed);
        }
    }

    /** What the upstream chose to do with a Chat Completions request. */
    public enum Outcome {
        RESET, THROTTLED, SERVER_ERROR, CONTEXT_WINDOW_EXCEEDED, CONTENT_FILTERED,
        /** An answer begun and then reset, as {@link Chaos#cutAfterChunks()} says. */
        CUT,
        /** An answer begun in full; {@link #answered()} counts those whose end was sent. */
        ANSWERED
    }

    /** What to do with one request, and the chaos it was drawn under. */
    private record Plan(Outcome outcome, Duration delay, Chaos chaos, int number) {}

    private record Request(String method, String path, boolean keepAlive, byte[] body) {}

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    /** Both set together under {@link #lock}, so that each chaos draws from its own seed. */
    private Chaos chaos;
    private Random random;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();
    private final Map<Outcome, AtomicInteger> outcomes = new EnumMap<>(Outcome.class);
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();

    private ChaosUpstream(Chaos chaos) throws IOException {
        for (Outcome outcome : Outcome.values()) outcomes.put(outcome, new AtomicInteger());
        chaos(chaos);
        server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        threads.execute(this::accept);
    }

    /** Starts an upstream without chaos, until {@link #chaos(Chaos)} sets some. */
    public static ChaosUpstream start() {
        return start(Chaos.NONE);
    }

    public static ChaosUpstream start(Chaos chaos) {
        try {
            return new ChaosUpstream(chaos);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base URL a provider is configured with, {@code /v1} included. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
    }

    /** Sets the chaos for the requests that arrive from now on, and restarts its draws from its seed. */
    public void chaos(Chaos chaos) {
        synchronized (lock) {
            this.chaos = chaos;
            this.random = new Random(chaos.seed());
        }
    }

    public Chaos chaos() {
        synchronized (lock) {
            return chaos;
        }
    }

    /** TCP connections accepted: fewer than {@link #requests()} when connections are reused. */
    public int connections() {
        return connections.get();
    }

    /** Requests read, whatever their path. */
    public int requests() {
        return requests.get();
    }

    /**
     * Answers sent to their end. Each is counted just before the end of its HTTP body leaves, so a
     * test that has read a whole answer finds it counted.
     */
    public int answered() {
        return answered.get();
    }

    /** Chat Completions requests that met this outcome. */
    public int count(Outcome outcome) {
        return outcomes.get(outcome).get();
    }

    /** The bodies of the Chat Completions requests, in the order their outcomes were drawn. */
    public List<JsonNode> requestBodies() {
        return List.copyOf(bodies);
    }

    public JsonNode lastRequestBody() {
        return bodies.getLast();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway: the port is the operating system's to free
        }
        threads.shutdownNow();
        sockets.forEach(ChaosUpstream::closeQuietly);
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void accept() {
        while (true) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return; // close() closed the server socket
            }
            connections.incrementAndGet();
            sockets.add(socket);
            try {
                threads.execute(() -> serve(socket));
            } catch (RejectedExecutionException e) {
                closeQuietly(socket); // accepted while closing
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            // Without it, a small event written just before a reset could still sit in Nagle's buffer and be lost.
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            for (Request request = read(in, out); request != null; request = read(in, out)) {
                requests.incrementAndGet();
                if (!respond(socket, out, request) || !request.keepAlive()) return;
            }
        } catch (IOException | InterruptedException e) {
            // The peer hung up or sent no HTTP, or close() ended the connection: no one is left to answer.
        } finally {
            sockets.remove(socket);
        }
    }

    /** Answers one request; false when the connection was reset and cannot carry another. */
    private boolean respond(Socket socket, OutputStream out, Request request) throws IOException, InterruptedException {
        if (!request.method().equals("POST") || !request.path().endsWith("/chat/completions")) {
            sendJson(out, 404, request.keepAlive(), error("Invalid URL (" + request.method() + " " + request.path() + ")",
                    "invalid_request_error", null, null));
            return true;
        }
        JsonNode body = parse(request.body());
        if (!body.isObject()) {
            sendJson(out, 400, request.keepAlive(), error("We could not parse the JSON body of your request.",
                    "invalid_request_error", null, null));
            return true;
        }
        Plan plan = plan(body);
        Thread.sleep(plan.delay());
        String model = body.path("model").asText();
        switch (plan.outcome()) {
            case RESET -> {
                reset(socket, out);
                return false;
            }
            case THROTTLED -> {
                int wait = plan.chaos().retryAfterSeconds();
                sendJson(out, 429, request.keepAlive(), error("Rate limit reached for " + model
                        + " in organization org-chaos on requests per min (RPM): Limit 60, Used 60, Requested 1. Please try again in "
                        + wait + "s. Visit https://platform.openai.com/account/rate-limits to learn more.",
                        "requests", null, "rate_limit_exceeded"), "Retry-After: " + wait);
            }
            case SERVER_ERROR -> sendJson(out, 500, request.keepAlive(), error(
                    "The server had an error while processing your request. Sorry about that!", "server_error", null, null));
            case CONTEXT_WINDOW_EXCEEDED -> sendJson(out, 400, request.keepAlive(), error(
                    "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens. "
                            + "Please reduce the length of the messages.", "invalid_request_error", "messages", "context_length_exceeded"));
            case CONTENT_FILTERED -> sendJson(out, 400, request.keepAlive(), contentFilterError());
            case CUT, ANSWERED -> {
                return answer(socket, out, body, plan, request.keepAlive());
            }
        }
        return true;
    }

    private Plan plan(JsonNode body) {
        synchronized (lock) {
            bodies.add(body);
            // Every chance is drawn on every request, so that one request's draws do not depend on another's outcome.
            boolean reset = random.nextDouble() < chaos.resetRate();
            boolean throttle = random.nextDouble() < chaos.throttleRate();
            boolean error = random.nextDouble() < chaos.errorRate();
            boolean context = random.nextDouble() < chaos.contextWindowExceededRate();
            boolean filter = random.nextDouble() < chaos.contentFilterRate();
            Duration delay = chaos.latency().plusNanos((long) (random.nextDouble() * chaos.jitter().toNanos()));
            Outcome outcome = reset ? Outcome.RESET
                    : throttle ? Outcome.THROTTLED
                    : error ? Outcome.SERVER_ERROR
                    : context ? Outcome.CONTEXT_WINDOW_EXCEEDED
                    : filter ? Outcome.CONTENT_FILTERED
                    : chaos.cutAfterChunks() >= 0 ? Outcome.CUT
                    : Outcome.ANSWERED;
            outcomes.get(outcome).incrementAndGet();
            return new Plan(outcome, delay, chaos, bodies.size());
        }
    }

    private boolean answer(Socket socket, OutputStream out, JsonNode request, Plan plan, boolean keepAlive) throws IOException {
        String model = request.path("model").asText();
        String id = "chatcmpl-chaos-" + plan.number();
        int cut = plan.outcome() == Outcome.CUT ? plan.chaos().cutAfterChunks() : -1;
        if (request.path("stream").asBoolean(false)) {
            boolean includeUsage = request.path("stream_options").path("include_usage").asBoolean(false);
            List<String> events = chunks(id, model, plan.chaos().words(), includeUsage);
            writeHead(out, 200, keepAlive, "Content-Type: text/event-stream; charset=utf-8", "Transfer-Encoding: chunked");
            int sent = cut >= 0 ? Math.min(cut, events.size()) : events.size();
            for (String event : events.subList(0, sent)) {
                byte[] data = ("data: " + event + "\n\n").getBytes(StandardCharsets.UTF_8);
                out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(data);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            if (cut >= 0) {
                reset(socket, out);
                return false;
            }
            answered.incrementAndGet();
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } else {
            byte[] body = JSON.writeValueAsBytes(completion(id, model, plan.chaos().words()));
            writeHead(out, 200, keepAlive, "Content-Type: application/json", "Content-Length: " + body.length);
            if (cut >= 0) {
                out.write(body, 0, body.length / 2);
                reset(socket, out);
                return false;
            }
            out.write(body);
            answered.incrementAndGet();
        }
        out.flush();
        return true;
    }

    // ---- the wire format

    /** The data of each SSE event, {@code [DONE]} last. */
    private static List<String> chunks(String id, String model, int words, boolean includeUsage) throws JsonProcessingException {
        List<String> events = new ArrayList<>();
        ObjectNode role = JSON.createObjectNode().put("role", "assistant").put("content", "").putNull("refusal");
        events.add(JSON.writeValueAsString(chunk(id, model, role, null, includeUsage)));
        for (int i = 0; i < words; i++) {
            ObjectNode content = JSON.createObjectNode().put("content", (i == 0 ? "" : " ") + "word" + i);
            events.add(JSON.writeValueAsString(chunk(id, model, content, null, includeUsage)));
        }
        events.add(JSON.writeValueAsString(chunk(id, model, JSON.createObjectNode(), "stop", includeUsage)));
        if (includeUsage) {
            ObjectNode usage = envelope(id, model, "chat.completion.chunk");
            usage.putArray("choices");
            usage.set("usage", usage(words));
            events.add(JSON.writeValueAsString(usage));
        }
        events.add("[DONE]");
        return events;
    }

    /** With {@code include_usage}, OpenAI sends {@code "usage": null} on every chunk but the last. */
    private static ObjectNode chunk(String id, String model, ObjectNode delta, String finishReason, boolean includeUsage) {
        ObjectNode chunk = envelope(id, model, "chat.completion.chunk");
        chunk.putArray("choices").addObject().put("index", 0).<ObjectNode>set("delta", delta).putNull("logprobs")
                .put("finish_reason", finishReason);
        if (includeUsage) chunk.putNull("usage");
        return chunk;
    }

    private static ObjectNode completion(String id, String model, int words) {
        List<String> text = new ArrayList<>();
        for (int i = 0; i < words; i++) text.add("word" + i);
        ObjectNode completion = envelope(id, model, "chat.completion");
        ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant").put("content", String.join(" ", text)).putNull("refusal");
        message.putArray("annotations");
        choice.putNull("logprobs").put("finish_reason", "stop");
        completion.set("usage", usage(words));
        return completion;
    }

    private static ObjectNode envelope(String id, String model, String object) {
        return JSON.createObjectNode().put("id", id).put("object", object).put("created", System.currentTimeMillis() / 1000)
                .put("model", model).put("service_tier", "default").put("system_fingerprint", "fp_chaos");
    }

    private static ObjectNode usage(int words) {
        ObjectNode usage = JSON.createObjectNode().put("prompt_tokens", PROMPT_TOKENS).put("completion_tokens", words)
                .put("total_tokens", PROMPT_TOKENS + words);
        usage.putObject("prompt_tokens_details").put("cached_tokens", 0).put("audio_tokens", 0);
        usage.putObject("completion_tokens_details").put("reasoning_tokens", 0).put("audio_tokens", 0)
                .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
        return usage;
    }

    private static ObjectNode error(String message, String type, String param, String code) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("error").put("message", message).put("type", type).put("param", param).put("code", code);
        return root;
    }

    /** Azure OpenAI's refusal of a prompt: no type, the HTTP status repeated, and the verdict per category. */
    private static ObjectNode contentFilterError() {
        ObjectNode root = error("The response was filtered due to the prompt triggering Azure OpenAI's content management policy. "
                + "Please modify your prompt and retry.", null, "prompt", "content_filter");
        ObjectNode verdicts = ((ObjectNode) root.get("error")).put("status", 400).putObject("innererror")
                .put("code", "ResponsibleAIPolicyViolation").putObject("content_filter_result");
        for (String category : List.of("hate", "self_harm", "sexual")) {
            verdicts.putObject(category).put("filtered", false).put("severity", "safe");
        }
        verdicts.putObject("violence").put("filtered", true).put("severity", "medium");
        return root;
    }

    // ---- HTTP/1.1

    /** Reads one request; null when the peer closed the connection between requests. */
    private static Request read(InputStream in, OutputStream out) throws IOException {
        String line;
        do {
            line = readLine(in);
            if (line == null) return null;
        } while (line.isEmpty()); // RFC 9112 lets a client send blank lines before a request
        String[] requestLine = line.split(" ");
        if (requestLine.length != 3) throw new ProtocolException("not an HTTP request line: " + line);
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String header = requireLine(in); !header.isEmpty(); header = requireLine(in)) {
            int colon = header.indexOf(':');
            if (colon <= 0) throw new ProtocolException("not a header field: " + header);
            headers.merge(header.substring(0, colon).strip(), header.substring(colon + 1).strip(), (a, b) -> a + ", " + b);
        }
        if ("100-continue".equalsIgnoreCase(headers.get("Expect"))) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        byte[] body = headers.getOrDefault("Transfer-Encoding", "").toLowerCase(Locale.ROOT).contains("chunked")
                ? readChunked(in)
                : readExactly(in, number(headers.getOrDefault("Content-Length", "0"), 10));
        String connection = headers.getOrDefault("Connection", "").toLowerCase(Locale.ROOT);
        boolean keepAlive = requestLine[2].equals("HTTP/1.1") ? !connection.contains("close") : connection.contains("keep-alive");
        String target = requestLine[1];
        int query = target.indexOf('?');
        return new Request(requestLine[0], query < 0 ? target : target.substring(0, query), keepAlive, body);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int size = chunkSize(requireLine(in)); size > 0; size = chunkSize(requireLine(in))) {
            body.write(readExactly(in, size));
            if (!requireLine(in).isEmpty()) throw new ProtocolException("chunk data longer than its size");
        }
        while (!requireLine(in).isEmpty()) {
            // trailer fields: nothing here needs them
        }
        return body.toByteArray();
    }

    private static int chunkSize(String line) throws ProtocolException {
        int extensions = line.indexOf(';');
        return number(extensions < 0 ? line : line.substring(0, extensions), 16);
    }

    private static int number(String text, int radix) throws ProtocolException {
        try {
            return Integer.parseInt(text.strip(), radix);
        } catch (NumberFormatException e) {
            throw new ProtocolException("not a length: " + text);
        }
    }

    private static byte[] readExactly(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) throw new EOFException("the body ended early");
        return bytes;
    }

    private static String requireLine(InputStream in) throws IOException {
        String line = readLine(in);
        if (line == null) throw new EOFException("the request ended early");
        return line;
    }

    /** A line without its CRLF (or bare LF); null at the end of the stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                if (line.size() == 0) return null;
                throw new EOFException("the request ended mid-line");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static void sendJson(OutputStream out, int status, boolean keepAlive, JsonNode body, String... headers) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type: application/json";
        all[1] = "Content-Length: " + bytes.length;
        System.arraycopy(headers, 0, all, 2, headers.length);
        writeHead(out, status, keepAlive, all);
        out.write(bytes);
        out.flush();
    }

    private static void writeHead(OutputStream out, int status, boolean keepAlive, String... headers) throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            default -> throw new IllegalArgumentException("no reason phrase for " + status);
        }).append("\r\n");
        for (String header : headers) head.append(header).append("\r\n");
        head.append("Connection: ").append(keepAlive ? "keep-alive" : "close").append("\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** An RST, not a FIN: the peer sees "connection reset", as when an upstream's process dies. */
    private static void reset(Socket socket, OutputStream out) throws IOException {
        out.flush();
        socket.setSoLinger(true, 0);
        socket.close();
    }

    private static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // it is closed either way
        }
    }
}
