package dev.quarry.provider;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The plumbing of a local stand-in for an upstream: a loopback HTTP server that records every request
 * and answers each with the next script a test queued. What an answer looks like on the wire is the
 * business of the provider's stub, which hands this server a {@link Handler}.
 *
 * @param <S> the stub's scripts
 */
public final class StubServer<S> implements AutoCloseable {

    /**
     * One request as the stub received it: {@code path} decoded, {@code rawPath} as on the wire,
     * {@code query} raw and {@code null} when the URL had none.
     */
    /** @param clientPort the caller's port: the same for calls that shared one kept-alive connection */
    public record Request(String method, String path, String rawPath, String query, Map<String, List<String>> headers, byte[] body,
                          int clientPort) {
        public String header(String name) {
            return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                    .map(h -> h.getValue().getFirst()).findFirst().orElse(null);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Answers one request with its script, {@code null} when the test queued none. */
    @FunctionalInterface
    public interface Handler<S> {
        void answer(Request request, S script, Response response) throws IOException;
    }

    /** The answer to one request. */
    public static final class Response {
        private final HttpExchange exchange;

        private Response(HttpExchange exchange) {
            this.exchange = exchange;
        }

        public Response header(String name, String value) {
            exchange.getResponseHeaders().add(name, value);
            return this;
        }

        public void send(int status, String contentType, byte[] body) throws IOException {
            header("Content-Type", contentType);
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) exchange.getResponseBody().write(body);
        }

        public void sendJson(int status, String json) throws IOException {
            send(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * Streams frames with HTTP 200, flushing each, and hangs up before frame {@code cutAfter} if it
         * is one of them (negative: never): the server then drops the connection mid-body.
         */
        public void stream(String contentType, List<byte[]> frames, int cutAfter) throws IOException {
            header("Content-Type", contentType);
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            for (int i = 0; i < frames.size(); i++) {
                if (i == cutAfter) throw new HangUp();
                out.write(frames.get(i));
                out.flush();
            }
        }
    }

    /** Thrown out of the handler so that the server drops the connection without finishing the body. */
    private static final class HangUp extends RuntimeException {
        HangUp() {
            super("stub: hanging up mid-stream, as scripted", null, false, false);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Queue<S> scripts = new ConcurrentLinkedQueue<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Handler<S> handler;

    private StubServer(Handler<S> handler) throws IOException {
        this.handler = handler;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public static <S> StubServer<S> start(Handler<S> handler) {
        try {
            return new StubServer<>(handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The server's root, {@code http://127.0.0.1:<port>}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public void then(S script) {
        scripts.add(script);
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public Request lastRequest() {
        return requests.getLast();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Not closing the exchange on a hang-up is the point: the server then drops the connection mid-body. */
    private void handle(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        Request request = new Request(exchange.getRequestMethod(), uri.getPath(), uri.getRawPath(), uri.getRawQuery(),
                Map.copyOf(exchange.getRequestHeaders()), exchange.getRequestBody().readAllBytes(), exchange.getRemoteAddress().getPort());
        requests.add(request);
        handler.answer(request, scripts.poll(), new Response(exchange));
        exchange.close();
    }
}
