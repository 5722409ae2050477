package dev.quarry.server;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streams of one HTTP/2 connection that its client has reset (RST_STREAM), so that a streaming
 * answer on one ends as a hung-up client's does: the next write fails, and {@link StreamReply}
 * closes the upstream call and settles what was produced. Helidon 4.5.0's {@code
 * Http2ServerStream.rstStream} marks the stream closed, but its {@code writeData} goes on writing
 * to it without an error, so the whole answer was streamed into the void and its upstream call ran
 * (and was billed) to the end. Delete this class, and its uses in {@link GoAwayDeferral}, {@link
 * AfterEachTask} and {@link ModelCalls}, once writes to a reset stream fail in the Helidon in use.
 *
 * <p>{@link GoAwayDeferral} records each RST_STREAM as it hands the frame to Helidon; the
 * connection's stream handlers run with this registry bound ({@link #scope}), and a request finds
 * its stream by {@code ServerRequest.id()}, which over HTTP/2 is the stream id. Writes are checked,
 * not interrupted: a reset is acted on at the answer's next write (the next word, usually).
 */
final class ResetStreams {
    private static final ScopedValue<ResetStreams> OF_CONNECTION = ScopedValue.newInstance();
    /**
     * A bound on the ids kept: a stream's reply forgets its id when it closes, but a reset that
     * comes after that (or for a request answered without a stream) stays until this bound drops
     * the oldest reset, the one least likely to be waiting still for its answer's next write. Not the
     * lowest stream id: a long answer on an early stream may be reset after a thousand later ones.
     */
    private static final int KEPT = 1024;

    /** Each reset stream, with the order its reset came in. */
    private final Map<Integer, Long> reset = new ConcurrentHashMap<>();
    // Written by the connection's thread only.
    private long resets;

    /** The client reset {@code streamId}; called by the connection's thread only. */
    void reset(int streamId) {
        reset.put(streamId, resets++);
        if (reset.size() > KEPT) reset.remove(Collections.min(reset.entrySet(), Map.Entry.comparingByValue()).getKey());
    }

    boolean wasReset(int streamId) {
        return reset.containsKey(streamId);
    }

    /** The reply on {@code streamId} has ended: a reset of it no longer matters. */
    void forget(int streamId) {
        reset.remove(streamId);
    }

    /** This connection's registry, bound for a task that runs one of its streams. */
    ScopedValue.Carrier scope() {
        return ScopedValue.where(OF_CONNECTION, this);
    }

    /**
     * Makes writes to {@code res}'s output stream fail with an {@link IOException} once the client
     * has reset {@code req}'s stream; nothing over HTTP/1.1, where a client that hangs up is found
     * by the write itself.
     */
    static void failWritesOnReset(ServerRequest req, ServerResponse res) {
        if (!OF_CONNECTION.isBound()) return;
        ResetStreams streams = OF_CONNECTION.get();
        int streamId = req.id();
        res.streamFilter(out -> new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                checkNotReset();
                out.write(b);
            }

            @Override
            public void write(byte[] bytes, int off, int len) throws IOException {
                checkNotReset();
                out.write(bytes, off, len);
            }

            @Override
            public void flush() throws IOException {
                checkNotReset();
                out.flush();
            }

            @Override
            public void close() throws IOException {
                streams.forget(streamId);
                out.close();
            }

            private void checkNotReset() throws IOException {
                if (streams.wasReset(streamId)) throw new StreamReset(streamId);
            }
        });
    }

    /** Whether {@code thrown} is (or was caused by) a write refused because its stream was reset. */
    static boolean wasCause(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof StreamReset) return true;
        }
        return false;
    }

    private static final class StreamReset extends IOException {
        StreamReset(int streamId) {
            super("the client reset HTTP/2 stream " + streamId);
        }
    }
}
