import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * OpenAI-compatible upstream stub for the benchmark: answers POST /v1/chat/completions, non-streaming
 * (one fixed JSON reply) or streaming (a role chunk, CHUNKS content chunks, a usage chunk, [DONE]).
 * The requested model picks the behaviour, so one stub serves every path through every target:
 * {@code bench-zero} answers at once; {@code bench-d20} after 20 ms; {@code bench-paced} at once but
 * with its stream chunks CHUNK_INTERVAL_MS apart; {@code bench-slow} with them 500 ms apart, a ~10 s stream for holding
 * thousands open at once (other models send their chunks back to back). A model
 * whose name holds {@code stamped} writes each content chunk as {@code w<i>@<epoch µs> }, the time it
 * was sent, so that a client at the far end of a gateway can tell how long that word took to reach it.
 * Binds to 127.0.0.1 only. Usage: java Stub.java PORT [CHUNKS] [CHUNK_INTERVAL_MS]
 */
public final class Stub {
    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        int chunks = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        long intervalMs = args.length > 2 ? Long.parseLong(args[2]) : 5;
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        byte[] reply = ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,"
                + "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"Hello from the bench stub.\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":7,\"total_tokens\":16}}")
                .getBytes(StandardCharsets.UTF_8);
        server.createContext("/v1/chat/completions", ex -> handle(ex, chunks, intervalMs, reply));
        server.createContext("/v1/models", ex -> send(ex, 200, "application/json",
                "{\"object\":\"list\",\"data\":[{\"id\":\"bench-model\",\"object\":\"model\"}]}".getBytes(StandardCharsets.UTF_8)));
        server.start();
        System.out.println("stub listening on 127.0.0.1:" + server.getAddress().getPort() + " chunks=" + chunks + " paced=" + intervalMs + "ms");
    }

    /** bench-slow's chunk interval: 20 chunks take ~10 s, so a few thousand streams opened over seconds are all open at once. */
    private static final long SLOW_INTERVAL_MS = 500;
    private static final java.util.regex.Pattern MODEL = java.util.regex.Pattern.compile("\"model\"\\s*:\\s*\"([^\"]*)\"");

    private static void handle(HttpExchange ex, int chunks, long pacedMs, byte[] reply) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String req = new String(body, StandardCharsets.UTF_8);
            boolean stream = req.replace(" ", "").contains("\"stream\":true");
            java.util.regex.Matcher m = MODEL.matcher(req);
            String model = m.find() ? m.group(1) : "";
            long delayMs = model.contains("d20") ? 20 : 0;
            long intervalMs = model.contains("paced") ? pacedMs : model.contains("slow") ? SLOW_INTERVAL_MS : 0;
            boolean stamped = model.contains("stamped");
            sleep(delayMs);
            if (!stream) {
                send(ex, 200, "application/json", reply);
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            String head = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"bench-model\",";
            out.write(("data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            for (int i = 0; i < chunks; i++) {
                if (i > 0) sleep(intervalMs);
                String word = stamped ? "w" + i + "@" + epochMicros() : "tok" + i;
                out.write(("data: " + head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + word + " \"},\"finish_reason\":null}]}\n\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.write(("data: " + head + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":" + chunks + ",\"total_tokens\":" + (9 + chunks) + "}}\n\n"
                    + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
        ex.getResponseBody().close();
    }

    private static long epochMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    private static void sleep(long ms) {
        if (ms <= 0) return;
        try { Thread.sleep(ms); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
    }
}
