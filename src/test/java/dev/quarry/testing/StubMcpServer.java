package dev.quarry.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An MCP server speaking streamable HTTP (spec 2025-06-18 / 2025-11-25) at {@code /mcp}, with
 * switches for what tests need to see: answers as {@code application/json} or as one
 * {@code text/event-stream} event; a session id issued at {@code initialize} and required after
 * (400 without, 404 when unknown); {@code tools/list} in pages; a required {@code Authorization};
 * a session expired once; every POST answered with a raw body (garbage) or stalled.
 *
 * <p>Tools: {@code echo} (answers its arguments as JSON text), {@code fail} ({@code isError}),
 * {@code refuse} (a JSON-RPC error), {@code slow} (answers after 20 s unless {@link #slowFor} says otherwise, or when the stub closes),
 * {@code big} (answers {@code chars} x's), {@code nap} (answers after {@code ms} milliseconds, at most 20 s), and any
 * added with {@link #addTool}. The stub counts the calls in flight at once, and those cut short by their client.
 */
public final class StubMcpServer implements AutoCloseable {
    /** The protocol versions this stub speaks; it answers the client's when it is one of them, else the newest. */
    public static final List<String> VERSIONS = List.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25");
    private static final HeaderName SESSION = HeaderNames.create("Mcp-Session-Id");
    private static final HeaderName PROTOCOL = HeaderNames.create("MCP-Protocol-Version");

    private final ObjectMapper json = new ObjectMapper();
    private final WebServer server;
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();
    private final List<ObjectNode> tools = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final List<JsonNode> metas = new CopyOnWriteArrayList<>();
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger initializations = new AtomicInteger();
    private final AtomicInteger deletes = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    private final AtomicBoolean expireOnce = new AtomicBoolean();
    private volatile boolean sse;
    private volatile int pageSize = 100;
    private volatile String requiredAuthorization;
    private volatile String rawAnswer;
    private volatile boolean stall;
    private volatile String negotiated;
    private volatile boolean closed;
    /** The longest a tool call takes, unless the stub closes first. */
    private static final Duration LONGEST = Duration.ofSeconds(20);
    private volatile Duration slow = LONGEST;

    public StubMcpServer() {
        tool("echo", "Answers its arguments.", "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}");
        tool("fail", "Always fails.", "{\"type\":\"object\"}");
        tool("refuse", "Answers a JSON-RPC error.", "{\"type\":\"object\"}");
        tool("slow", "Answers after a long while.", "{\"type\":\"object\"}");
        tool("big", "Answers 'chars' x's.", "{\"type\":\"object\",\"properties\":{\"chars\":{\"type\":\"integer\"}}}");
        tool("nap", "Answers after 'ms' milliseconds.", "{\"type\":\"object\",\"properties\":{\"ms\":{\"type\":\"integer\"}}}");
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(routing -> routing
                        .post("/mcp", this::post)
                        .get("/mcp", (req, res) -> res.status(Status.METHOD_NOT_ALLOWED_405).send())
                        .delete("/mcp", (req, res) -> {
                            req.headers().first(SESSION).ifPresent(sessions::remove);
                            deletes.incrementAndGet();
                            res.status(Status.NO_CONTENT_204).send();
                        }))
                .build().start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.port() + "/mcp";
    }

    public StubMcpServer answerWithSse(boolean on) {
        sse = on;
        return this;
    }

    public StubMcpServer pageSize(int tools) {
        pageSize = tools;
        return this;
    }

    /** Every request without exactly this {@code Authorization} is answered 401. */
    public StubMcpServer requireAuthorization(String value) {
        requiredAuthorization = value;
        return this;
    }

    /** The next request bearing a session id is answered 404 and its session forgotten, as a restarted server would. */
    public StubMcpServer expireSessionOnce() {
        expireOnce.set(true);
        return this;
    }

    /** Every POST is answered 200 {@code application/json} with this body as it is. */
    public StubMcpServer answerRaw(String body) {
        rawAnswer = body;
        return this;
    }

    /** Every POST waits until the stub closes. */
    public StubMcpServer stall() {
        stall = true;
        return this;
    }

    /** How long calls of {@code slow} received from now on take. */
    public StubMcpServer slowFor(Duration pause) {
        slow = pause;
        return this;
    }

    public StubMcpServer addTool(String name, String description, String inputSchemaJson) {
        tool(name, description, inputSchemaJson);
        return this;
    }

    public int calls(String tool) {
        AtomicInteger n = calls.get(tool);
        return n == null ? 0 : n.get();
    }

    /** The {@code _meta} of every {@code tools/call} received, in order. */
    public List<JsonNode> metas() {
        return List.copyOf(metas);
    }

    /** The headers of every POST received (names lower-cased), in order. */
    public List<Map<String, String>> requests() {
        return List.copyOf(requests);
    }

    /** The most {@code tools/call} requests that were in flight at once. */
    public int mostInFlight() {
        return mostInFlight.get();
    }

    /** The {@code tools/call} requests in flight now. */
    public int inFlight() {
        return inFlight.get();
    }

    public int initializations() {
        return initializations.get();
    }

    public int deletes() {
        return deletes.get();
    }

    /** The protocol version answered to the last {@code initialize}. */
    public String negotiated() {
        return negotiated;
    }

    private void tool(String name, String description, String schema) {
        try {
            tools.add(json.createObjectNode().put("name", name).put("description", description).set("inputSchema", json.readTree(schema)));
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: " + schema, e);
        }
    }

    private void post(ServerRequest req, ServerResponse res) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        req.headers().forEach(h -> headers.put(h.name().toLowerCase(Locale.ROOT), h.get()));
        requests.add(headers);
        String body = req.content().as(String.class);
        if (stall) {
            pause(Duration.ofMinutes(5));
            res.status(Status.SERVICE_UNAVAILABLE_503).send();
            return;
        }
        if (requiredAuthorization != null && !requiredAuthorization.equals(headers.get("authorization"))) {
            res.status(Status.UNAUTHORIZED_401).send();
            return;
        }
        if (rawAnswer != null) {
            res.header(HeaderNames.CONTENT_TYPE, "application/json").send(rawAnswer);
            return;
        }
        JsonNode message = json.readTree(body);
        String method = message.path("method").asText();
        String session = headers.get("mcp-session-id");
        if (!method.equals("initialize")) {
            if (session == null) {
                res.status(Status.BAD_REQUEST_400).send();
                return;
            }
            if (!sessions.contains(session) || expireOnce.compareAndSet(true, false)) {
                sessions.remove(session);
                res.status(Status.NOT_FOUND_404).send();
                return;
            }
        }
        if (!message.has("id")) { // a notification or a response: accepted, no body
            res.status(Status.ACCEPTED_202).send();
            return;
        }
        ObjectNode answer = json.createObjectNode().put("jsonrpc", "2.0").set("id", message.get("id"));
        switch (method) {
            case "initialize" -> {
                String asked = message.path("params").path("protocolVersion").asText();
                negotiated = VERSIONS.contains(asked) ? asked : VERSIONS.getLast();
                String id = UUID.randomUUID().toString();
                sessions.add(id);
                initializations.incrementAndGet();
                res.header(SESSION, id);
                ObjectNode result = answer.putObject("result").put("protocolVersion", negotiated);
                result.putObject("capabilities").putObject("tools").put("listChanged", false);
                result.putObject("serverInfo").put("name", "stub-mcp").put("version", "1.0.0");
            }
            case "tools/list" -> {
                int from = message.path("params").path("cursor").asInt(0);
                int to = Math.min(tools.size(), from + pageSize);
                ObjectNode result = answer.putObject("result");
                ArrayNode page = result.putArray("tools");
                tools.subList(from, to).forEach(page::add);
                if (to < tools.size()) result.put("nextCursor", String.valueOf(to));
            }
            case "tools/call" -> {
                mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    call(message.path("params"), answer, headers.get("authorization"));
                } finally {
                    inFlight.decrementAndGet();
                }
            }
            case "ping" -> answer.putObject("result");
            default -> answer.putObject("error").put("code", -32601).put("message", "Method not found: " + method);
        }
        if (sse) {
            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream").send("event: message\ndata: " + answer + "\n\n");
        } else {
            res.header(HeaderNames.CONTENT_TYPE, "application/json").send(answer.toString());
        }
    }

    private void call(JsonNode params, ObjectNode answer, String authorization) {
        String name = params.path("name").asText();
        calls.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
        metas.add(params.path("_meta"));
        ObjectNode result = json.createObjectNode();
        ArrayNode content = result.putArray("content");
        switch (name) {
            case "echo" -> content.addObject().put("type", "text").put("text", params.path("arguments").toString());
            case "fail" -> {
                content.addObject().put("type", "text").put("text", "it broke");
                result.put("isError", true);
            }
            case "refuse" -> {
                answer.putObject("error").put("code", -32603).put("message", "the stub refuses");
                return;
            }
            case "slow" -> {
                pause(slow);
                content.addObject().put("type", "text").put("text", "finally");
            }
            case "nap" -> {
                pause(Duration.ofMillis(Math.min(LONGEST.toMillis(), params.path("arguments").path("ms").asLong())));
                content.addObject().put("type", "text").put("text", "napped");
            }
            // Added with addTool only: tells back the Authorization it was sent, as is and in base64, as a careless server might.
            case "whoami" -> content.addObject().put("type", "text").put("text", "you sent '" + authorization + "' (base64 "
                    + java.util.Base64.getEncoder().encodeToString(String.valueOf(authorization).replaceFirst("^Bearer ", "")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)) + ")");
            case "big" -> content.addObject().put("type", "text").put("text", "x".repeat(params.path("arguments").path("chars").asInt()));
            default -> {
                answer.putObject("error").put("code", -32602).put("message", "Unknown tool: " + name);
                return;
            }
        }
        answer.set("result", result);
    }

    private void pause(Duration atMost) {
        long end = System.nanoTime() + atMost.toNanos();
        try {
            while (!closed && System.nanoTime() < end) Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        server.stop();
    }
}
