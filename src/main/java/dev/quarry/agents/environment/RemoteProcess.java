package dev.quarry.agents.environment;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A process an {@link ExecServerConnection} started. The exec-server numbers a process's
 * {@code process/output}, {@code process/exited} and {@code process/closed} notifications with one
 * {@code seq}; they are applied in that order. Its pipes are read apart from the exit, so the last
 * of the output may be numbered after {@code process/exited}: {@link #await} returns the exit once
 * {@code process/closed} says the output is all there, or {@value #CLOSE_GRACE_MILLIS} ms after the
 * exit when a child left running in the background holds the pipes open (its output still goes to
 * the sink, up to {@code process/closed}).
 */
final class RemoteProcess implements RunningProcess {
    static final long CLOSE_GRACE_MILLIS = 1000;

    private final String id;
    private final OutputSink sink;
    private final ExecServerConnection connection;
    private final CompletableFuture<ProcessExit> exit = new CompletableFuture<>();
    private final Map<Long, Event> early = new TreeMap<>();
    private long nextSeq = 1;
    private boolean sinkFailed;
    private ProcessExit exited;

    private record Event(String method, JsonNode params) {}

    RemoteProcess(String id, OutputSink sink, ExecServerConnection connection) {
        this.id = id;
        this.sink = sink;
        this.connection = connection;
    }

    String id() {
        return id;
    }

    @Override
    public ProcessExit await(Duration timeout) {
        try {
            return exit.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw (RuntimeException) e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExecutorException.Interrupted("waiting for process " + id + " was interrupted");
        }
    }

    @Override
    public void write(byte[] input) {
        connection.write(id, input);
    }

    @Override
    public void terminate() {
        if (exit.isDone()) return;
        try {
            connection.terminate(id);
        } catch (ExecutorException.Disconnected e) {
            // The exec-server ends a connection's processes when it goes: this one has ended.
        }
    }

    /**
     * Applies one notification about this process, in {@code seq} order.
     *
     * @return whether the process is closed (nothing more will come about it)
     */
    synchronized boolean notification(String method, JsonNode params) {
        long seq = params.path("seq").asLong(0);
        boolean closed = false;
        // One without a number, or with one already passed, cannot be put in order: it applies as it comes.
        if (seq < nextSeq) closed = apply(new Event(method, params));
        else early.put(seq, new Event(method, params));
        Event next;
        while ((next = early.remove(nextSeq)) != null) {
            nextSeq++;
            closed |= apply(next);
        }
        if ("process/closed".equals(method) && !closed) {
            // Closed is the last word: whatever a gap in the numbering still holds back goes now, in order.
            for (Event held : early.values()) closed |= apply(held);
            early.clear();
            closed = true;
        }
        return closed;
    }

    /** The connection is gone, and with it this process (if it had not exited). */
    synchronized void disconnected(ExecutorException.Disconnected why) {
        if (exited != null) exit.complete(exited); // it had ended: only the rest of its output is lost
        else exit.completeExceptionally(why);
    }

    private boolean apply(Event event) {
        JsonNode params = event.params();
        switch (event.method()) {
            case "process/output" -> deliver("stderr".equals(params.path("stream").asText()),
                    Base64.getDecoder().decode(params.path("chunk").asText("")));
            case "process/exited" -> {
                ProcessExit ended = new ProcessExit(params.path("exitCode").asInt(-1), params.path("sandboxDenied").asBoolean(false));
                exited = ended;
                Thread.ofVirtual().name("process-close-grace-" + id).start(() -> {
                    try {
                        Thread.sleep(CLOSE_GRACE_MILLIS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    exit.complete(ended);
                });
            }
            case "process/closed" -> {
                // Closed without a word of its exit: nothing better to say than -1.
                exit.complete(exited != null ? exited : new ProcessExit(-1, false));
                return true;
            }
            default -> { }
        }
        return false;
    }

    private void deliver(boolean stderr, byte[] chunk) {
        if (sinkFailed || chunk.length == 0) return;
        try {
            sink.output(stderr, chunk);
        } catch (RuntimeException e) {
            // A failing sink must not break the socket it is called from: the process is stopped
            // instead, and whoever awaits it learns why.
            sinkFailed = true;
            exit.completeExceptionally(new IllegalStateException("the output sink of process " + id + " failed", e));
            Thread.startVirtualThread(() -> connection.terminateQuietly(id));
        }
    }
}
