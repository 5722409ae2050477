package dev.quarry.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible upstream that streams a Chat Completions answer one word at a time with a
 * pause between words, so tests can act while a stream is open (shut down, hang up).
 */
public final class SlowChatUpstream implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger served = new AtomicInteger();
    private final AtomicInteger cut = new AtomicInteger();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    public SlowChatUpstream(int words, Duration pause) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/chat/completions", exchange -> {
            requests.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            started.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < words; i++) {
                    write(out, "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"slow\",\"choices\":"
                            + "[{\"index\":0,\"delta\":{\"content\":\"w" + i + " \"},\"finish_reason\":null}]}");
                    Thread.sleep(pause);
                }
                write(out, "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"slow\",\"choices\":"
                        + "[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
                write(out, "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"slow\",\"choices\":[],"
                        + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":" + words + ",\"total_tokens\":" + (5 + words) + "}}");
                write(out, "[DONE]");
                served.incrementAndGet();
            } catch (IOException e) {
                // the client (Quarry) went away: nothing more to send
                cut.incrementAndGet();
            } catch (InterruptedException e) {
                // the stub is closing
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    /** Calls received, whether their answer was finished, cut, or is still streaming. */
    public int started() {
        return started.get();
    }

    /** Answers written out to their {@code [DONE]}. */
    public int served() {
        return served.get();
    }

    /** The bodies of the requests received, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** Answers whose client (Quarry) closed the connection before their {@code [DONE]}. */
    public int cut() {
        return cut.get();
    }

    /** Quarry configuration serving model {@code slow} from this upstream (provider {@code slow-upstream}). */
    public String modelConfig() {
        return """
                providers: [{ name: slow-upstream, type: openai-compatible, base_url: "%s" }]
                models: [{ id: slow, deployments: [{ provider: slow-upstream, model: slow }] }]
                """.formatted(baseUrl());
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private static void write(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
