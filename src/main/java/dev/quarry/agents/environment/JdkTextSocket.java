package dev.quarry.agents.environment;

import java.io.IOException;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The JDK's client WebSocket as a {@link TextSocket}, feeding what it receives to one {@link JsonRpcSocket}. */
final class JdkTextSocket implements TextSocket, WebSocket.Listener {
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(1);

    private final JsonRpcSocket rpc;
    private volatile WebSocket socket;

    JdkTextSocket(JsonRpcSocket rpc) {
        this.rpc = rpc;
        rpc.attach(this);
    }

    /** The socket the upgrade gave: set here too, as the JDK may call {@link #onOpen} after handing it over. */
    void opened(WebSocket webSocket) {
        socket = webSocket;
    }

    @Override
    public void send(String text, Duration timeout) throws IOException, InterruptedException {
        try {
            socket.sendText(text, true).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException | IllegalStateException e) {
            throw new IOException(e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        WebSocket open = socket;
        if (open == null) return;
        try {
            open.sendClose(WebSocket.NORMAL_CLOSURE, "").get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | IllegalStateException e) {
            // Closing anyway: the abort below ends the TCP connection either way.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        open.abort();
    }

    @Override
    public void abort() {
        WebSocket open = socket;
        if (open != null) open.abort();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        rpc.received(data, last);
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        rpc.failed("it sent a binary frame (the protocol is JSON text frames)");
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        rpc.closedByPeer(statusCode, reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        rpc.failed("the connection failed (" + error.getClass().getSimpleName() + ")");
    }
}
