package dev.quarry.agents.environment;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Connects to a {@code codex exec-server --listen ws://…} started with
 * {@code --ws-auth capability-token}: the token goes as {@code Authorization: Bearer <token>} on the
 * WebSocket upgrade (the server answers 401 "missing websocket bearer token" without it and
 * "invalid websocket bearer token" for a wrong one), then {@code initialize {clientName:"quarry"}},
 * then the {@code initialized} notification. No message of its names the token. Safe for concurrent use.
 */
public final class ListeningDialer {
    private final HttpClient http;
    private final Duration connectTimeout;
    private final Duration callTimeout;

    /**
     * @param connectTimeout how long the connection and upgrade may take, and then how long {@code initialize} may
     * @param callTimeout    how long any later call may wait for its answer before the connection is given up
     */
    public ListeningDialer(Duration connectTimeout, Duration callTimeout) {
        if (connectTimeout.isNegative() || connectTimeout.isZero()) throw new IllegalArgumentException("connectTimeout must be positive");
        if (callTimeout.isNegative() || callTimeout.isZero()) throw new IllegalArgumentException("callTimeout must be positive");
        this.connectTimeout = connectTimeout;
        this.callTimeout = callTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    /**
     * Connects and initializes.
     *
     * @throws ExecutorException.Refused      the server refused the token (HTTP 401), the upgrade, or {@code initialize}
     * @throws ExecutorException.Disconnected no connection within the connect timeout (nothing listening, unreachable, silent)
     * @throws ExecutorException.Interrupted  the calling thread was interrupted
     */
    public ExecServerConnection dial(URI url, String capabilityToken) {
        String peer = describe(url);
        checkToken(capabilityToken);
        JsonRpcSocket rpc = new JsonRpcSocket(peer, connectTimeout);
        upgrade(url, capabilityToken, peer, new JdkTextSocket(rpc));
        return ExecServerConnection.initialize(rpc, peer, callTimeout);
    }

    private void upgrade(URI url, String token, String peer, JdkTextSocket socket) {
        CompletableFuture<WebSocket> opening = http.newWebSocketBuilder().connectTimeout(connectTimeout)
                .header("Authorization", "Bearer " + token).buildAsync(url, socket);
        try {
            socket.opened(opening.get(connectTimeout.toNanos(), TimeUnit.NANOSECONDS));
        } catch (ExecutionException e) {
            throw failedUpgrade(peer, e.getCause());
        } catch (TimeoutException e) {
            opening.cancel(true);
            throw new ExecutorException.Disconnected("executor " + peer + " did not accept a connection within " + connectTimeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            opening.cancel(true);
            Thread.currentThread().interrupt();
            throw new ExecutorException.Interrupted("connecting to executor " + peer + " was interrupted");
        }
    }

    private ExecutorException failedUpgrade(String peer, Throwable cause) {
        if (cause instanceof WebSocketHandshakeException handshake) {
            int status = handshake.getResponse().statusCode();
            if (status == 401 || status == 403) {
                return new ExecutorException.Refused("executor " + peer + " refused the capability token (HTTP " + status + ")");
            }
            return new ExecutorException.Refused("executor " + peer + " refused the WebSocket upgrade (HTTP " + status + ")");
        }
        if (cause instanceof HttpTimeoutException) { // the connect, or the upgrade the JDK also times out at the connect timeout
            return new ExecutorException.Disconnected("executor " + peer + " did not accept a connection within " + connectTimeout.toSeconds() + " s");
        }
        // The JDK's causes here name the failure (connection refused, unresolved host), not the request's headers.
        String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new ExecutorException.Disconnected("cannot connect to executor " + peer + ": " + why);
    }

    private static void checkToken(String token) {
        if (token == null || token.isBlank()) throw new IllegalArgumentException("the capability token is empty");
        if (token.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalArgumentException("the capability token has characters a header cannot carry");
        }
    }

    // The URL as messages show it: no user info and no query, where a credential could hide.
    private static String describe(URI url) {
        String scheme = url.getScheme();
        if (!"ws".equals(scheme) && !"wss".equals(scheme)) throw new IllegalArgumentException("not a ws:// or wss:// URL: " + scheme + "://…");
        if (url.getHost() == null) throw new IllegalArgumentException("the executor URL has no host");
        return scheme + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + (url.getRawPath() == null ? "" : url.getRawPath());
    }
}
