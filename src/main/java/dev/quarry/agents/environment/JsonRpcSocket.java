package dev.quarry.agents.environment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * JSON-RPC 2.0 over one WebSocket, one message per text frame: numbered requests matched to the
 * callers waiting for them, and the server's notifications handed to one {@link Listener} on the
 * socket's thread, in the order they came. Anything that breaks the connection (a close, an error,
 * a message that is not JSON-RPC, a call left unanswered past the call timeout) fails every waiting
 * caller with the same {@link ExecutorException.Disconnected} and tells the listener once. Quarry is
 * the client whichever end opened the socket: it runs over any {@link TextSocket}, the JDK's client
 * ({@link JdkTextSocket}, when Quarry dials) or the server's (when the executor dials Quarry), which
 * hand it what they receive through {@link #received}, {@link #closedByPeer} and {@link #failed}.
 */
final class JsonRpcSocket {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Bounds what a misbehaving server can make us buffer; files are size-checked before they are read. */
    static final int MAX_MESSAGE_CHARS = 64 << 20;
    /** An error's message goes into what the model reads and what the session stores: a server's own is cut to this. */
    static final int MAX_ERROR_CHARS = 2000;
    /** Refusals of the server's own requests being sent at once; a server sending more than it reads back is given up. */
    static final int MAX_REFUSALS_IN_FLIGHT = 64;

    /** What the connection above the socket hears. */
    interface Listener {
        void notification(String method, JsonNode params);

        void disconnected(ExecutorException.Disconnected why);
    }

    /** The server answered a call with a JSON-RPC error. */
    static final class RpcError extends RuntimeException {
        final int code;

        RpcError(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    private final String peer;
    private volatile Duration callTimeout;
    private final Map<Long, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger refusing = new AtomicInteger();
    // A WebSocket carries one message at a time (the JDK refuses a sendText while another is being written).
    private final ReentrantLock sending = new ReentrantLock();
    private final StringBuilder partial = new StringBuilder();
    private volatile TextSocket socket;
    private volatile Listener listener;
    private volatile ExecutorException.Disconnected lost;
    private final CompletableFuture<Void> gone = new CompletableFuture<>();

    /** @param peer how messages name the server: its URL without credentials or query */
    JsonRpcSocket(String peer, Duration callTimeout) {
        this.peer = peer;
        this.callTimeout = callTimeout;
    }

    /** How long later calls wait for their answers. */
    void callTimeout(Duration timeout) {
        this.callTimeout = timeout;
    }

    /** Starts handing notifications (and the loss of the connection) to {@code listener}. */
    void listen(Listener listener) {
        this.listener = listener;
        ExecutorException.Disconnected already = lost;
        if (already != null) listener.disconnected(already);
    }

    /**
     * Sends a request and waits for its answer, up to the call timeout.
     *
     * @throws RpcError                          the server answered with an error
     * @throws ExecutorException.Disconnected    the connection is gone, or the server did not answer in time (then it is closed)
     * @throws ExecutorException.Interrupted     the calling thread was interrupted
     */
    JsonNode call(String method, ObjectNode params) {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        waiting.put(id, answer);
        try {
            ExecutorException.Disconnected gone = lost;
            if (gone != null) throw gone;
            ObjectNode request = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
            request.set("params", params);
            send(request, method);
            return answer.get(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw (RuntimeException) e.getCause();
        } catch (TimeoutException e) {
            // A server that leaves one call unanswered (it handles one request at a time by default)
            // would leave every later call behind it: it is treated as gone.
            lose("it did not answer " + method + " within " + callTimeout.toSeconds() + " s");
            throw lost;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExecutorException.Interrupted(method + " was interrupted while waiting for " + peer);
        } finally {
            waiting.remove(id);
        }
    }

    /** Sends a notification (no answer). */
    void notify(String method) {
        ExecutorException.Disconnected gone = lost;
        if (gone != null) throw gone;
        send(JSON.createObjectNode().put("jsonrpc", "2.0").put("method", method), method);
    }

    /** Closes the socket; every caller still waiting gets {@code Disconnected}. */
    void close() {
        // Lost first, so that the server's answering close is not taken for a failure of its own.
        boolean open = markLost("the connection was closed by Quarry");
        TextSocket closing = socket;
        if (closing == null) return;
        if (open) closing.close();
        else closing.abort();
    }

    /** Runs {@code then} once the connection is lost (at once if it is), whatever ended it. */
    void whenLost(Runnable then) {
        gone.thenRun(then);
    }

    /** Whether the connection still stands (nothing has broken or closed it). */
    boolean open() {
        return lost == null;
    }

    private void send(ObjectNode message, String method) {
        String text;
        try {
            text = JSON.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + method, e);
        }
        try {
            sending.lockInterruptibly();
            try {
                socket.send(text, callTimeout);
            } finally {
                sending.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExecutorException.Interrupted(method + " was interrupted while sending to " + peer);
        } catch (IOException e) {
            lose("sending " + method + " failed (" + e.getMessage() + ")");
            throw lost;
        }
    }

    /** The socket messages go out on: set before anything is sent. */
    void attach(TextSocket textSocket) {
        socket = textSocket;
    }

    /** A part of a text message the server sent, the whole message when {@code last}. */
    void received(CharSequence data, boolean last) {
        partial.append(data);
        if (partial.length() > MAX_MESSAGE_CHARS) {
            partial.setLength(0);
            lose("it sent a message over " + MAX_MESSAGE_CHARS + " characters");
            return;
        }
        if (last) {
            String message = partial.toString();
            partial.setLength(0);
            receive(message);
        }
    }

    /** The server sent a close frame. */
    void closedByPeer(int statusCode, String reason) {
        lose("it closed the connection (" + statusCode + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")");
    }

    /** The connection failed, or carried what the protocol does not; {@code why} names it without any content. */
    void failed(String why) {
        lose(why);
    }

    private void receive(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            message = null;
        }
        if (message == null || !message.isObject()) {
            lose("it sent a message that is not JSON-RPC");
            return;
        }
        JsonNode id = message.get("id");
        JsonNode method = message.get("method");
        if (method != null && method.isTextual()) {
            if (id == null) {
                Listener heard = listener;
                try {
                    if (heard != null) heard.notification(method.asText(), message.path("params"));
                } catch (RuntimeException e) {
                    lose("it sent a " + method.asText() + " notification Quarry cannot read");
                }
            } else {
                refuseServerRequest(id, method.asText());
            }
        } else if (id != null && id.canConvertToLong()) {
            answer(id.asLong(), message);
        } else {
            lose("it sent a message that is neither a request, a notification nor a response");
        }
    }

    private void answer(long id, JsonNode message) {
        CompletableFuture<JsonNode> caller = waiting.get(id);
        if (caller == null) return; // its caller gave up (interrupted): nobody to tell
        JsonNode error = message.get("error");
        if (error != null && !error.isNull()) {
            String said = error.path("message").asText("(no message)");
            caller.completeExceptionally(new RpcError(error.path("code").asInt(),
                    said.length() > MAX_ERROR_CHARS ? said.substring(0, MAX_ERROR_CHARS) + "…" : said));
        } else {
            caller.complete(message.path("result"));
        }
    }

    // This client offers the server no methods; answering keeps a server that asks from waiting.
    // Sent from its own thread: the socket's thread must not wait on a send.
    // Each refusal waits on its own thread for the socket: a server that keeps asking without reading would pile them up.
    private void refuseServerRequest(JsonNode id, String method) {
        if (refusing.incrementAndGet() > MAX_REFUSALS_IN_FLIGHT) {
            lose("it sent more than " + MAX_REFUSALS_IN_FLIGHT + " requests Quarry was still refusing");
            return;
        }
        ObjectNode reply = JSON.createObjectNode().put("jsonrpc", "2.0");
        reply.set("id", id);
        reply.putObject("error").put("code", -32601).put("message", "Quarry does not offer " + method);
        Thread.startVirtualThread(() -> {
            try {
                send(reply, "the refusal of " + method);
            } catch (ExecutorException e) {
                // The connection is gone: nothing to answer.
            } finally {
                refusing.decrementAndGet();
            }
        });
    }

    private void lose(String reason) {
        markLost(reason);
        TextSocket open = socket;
        if (open != null) open.abort();
    }

    /** @return whether this was the first word of the loss (later ones are dropped) */
    private boolean markLost(String reason) {
        ExecutorException.Disconnected gone;
        synchronized (this) {
            if (lost != null) return false;
            gone = new ExecutorException.Disconnected("executor " + peer + " is disconnected: " + reason);
            lost = gone;
        }
        waiting.values().forEach(caller -> caller.completeExceptionally(gone));
        Listener heard = listener;
        if (heard != null) heard.disconnected(gone);
        this.gone.complete(null);
        return true;
    }
}
