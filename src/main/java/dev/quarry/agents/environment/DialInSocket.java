package dev.quarry.agents.environment;

import java.time.Duration;

/**
 * A WebSocket an executor opened to Quarry ({@code codex exec-server --remote … --remote-transport
 * direct}). Once upgraded the executor sends nothing: Quarry is the JSON-RPC client on it, exactly as
 * when it dials a listening executor. The web server feeds it what arrives; {@link #initialize}
 * makes it an {@link ExecServerConnection}.
 */
public final class DialInSocket {
    /** The largest message the executor may send, in characters (its JSON is ASCII: in bytes too). */
    public static final int MAX_MESSAGE_CHARS = JsonRpcSocket.MAX_MESSAGE_CHARS;

    private final String peer;
    private final JsonRpcSocket rpc;

    /**
     * @param peer              how messages name the executor (its environment, never a credential)
     * @param socket            the server side of the socket
     * @param initializeTimeout how long {@code initialize} may wait for its answer
     */
    public DialInSocket(String peer, TextSocket socket, Duration initializeTimeout) {
        this.peer = peer;
        this.rpc = new JsonRpcSocket(peer, initializeTimeout);
        rpc.attach(socket);
    }

    /** A part of a text message the executor sent, the whole message when {@code last}. */
    public void received(CharSequence data, boolean last) {
        rpc.received(data, last);
    }

    /** The executor sent a close frame. */
    public void closed(int statusCode, String reason) {
        rpc.closedByPeer(statusCode, reason);
    }

    /** The connection failed or carried what the protocol does not; {@code why} names it without any content. */
    public void failed(String why) {
        rpc.failed(why);
    }

    /**
     * Runs {@code then} once the socket is gone, whatever ended it: the executor's close, a failure
     * seen on a send, or Quarry's own close (the server does not report every one of these).
     */
    public void whenClosed(Runnable then) {
        rpc.whenLost(then);
    }

    /** Whether the socket still stands. */
    public boolean open() {
        return rpc.open();
    }

    /** Closes the socket (a newer one of the same environment replaces it, or the node stops). */
    public void close() {
        rpc.close();
    }

    /**
     * Initializes the executor on this socket.
     *
     * @param callTimeout how long later calls may wait for their answers
     * @throws ExecutorException.Refused      it refused {@code initialize}
     * @throws ExecutorException.Disconnected the socket broke, or the answer did not come in time
     */
    ExecServerConnection initialize(Duration callTimeout) {
        return ExecServerConnection.initialize(rpc, peer, callTimeout);
    }
}
