package dev.quarry.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible upstream whose every answer calls the same function again: an agent
 * that would loop forever, and reports the same usage each time, so a test knows what each call
 * costs at a configured price.
 */
public final class LoopingChatUpstream implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger served = new AtomicInteger();

    public LoopingChatUpstream(String function, int promptTokens, int completionTokens) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/chat/completions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            int n = served.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                write(out, "{\"id\":\"c" + n + "\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"looper\",\"choices\":[{\"index\":0,"
                        + "\"delta\":{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_" + n + "\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"" + function + "\",\"arguments\":\"{}\"}}]},\"finish_reason\":null}]}");
                write(out, "{\"id\":\"c" + n + "\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"looper\",\"choices\":"
                        + "[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}");
                write(out, "{\"id\":\"c" + n + "\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"looper\",\"choices\":[],"
                        + "\"usage\":{\"prompt_tokens\":" + promptTokens + ",\"completion_tokens\":" + completionTokens + ",\"total_tokens\":"
                        + (promptTokens + completionTokens) + "}}");
                write(out, "[DONE]");
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    /** Answers given. */
    public int served() {
        return served.get();
    }

    /** Quarry configuration serving model {@code looper} from this upstream at the given prices (US dollars per million tokens). */
    public String modelConfig(double inputPrice, double outputPrice) {
        return """
                providers: [{ name: looping-upstream, type: openai-compatible, base_url: "http://127.0.0.1:%d/v1" }]
                models: [{ id: looper, price: { input: %s, output: %s }, deployments: [{ provider: looping-upstream, model: looper }] }]
                """.formatted(server.getAddress().getPort(), inputPrice, outputPrice);
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
