package dev.quarry.server;

import io.helidon.common.buffers.DataReader;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http2.Http2Connection;
import io.helidon.webserver.spi.ServerConnection;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Lets the streams a client has open finish after it sends GOAWAY(NO_ERROR), as RFC 9113 §6.8
 * means: GOAWAY stops new streams, it does not cut those in flight. Helidon 4.5.0's
 * {@code Http2Connection.goAwayFrame()} ends the connection's read loop on any GOAWAY, and its
 * {@code ConnectionHandler} then closes the socket while the stream handlers are still writing;
 * the AWS SDK for JavaScript v3 sends GOAWAY(NO_ERROR, last-stream-id 0) as soon as an
 * event-stream answer's headers arrive, so its streams were cut after the first event. Helidon
 * tracks this as helidon-io/helidon#12341 (for its next major release only): delete this class,
 * {@link DeferringContext}, {@link AfterEachTask} and {@link GoAwayDeferringHttp2Provider} once the
 * Helidon in use finishes open streams itself.
 *
 * <p>It sits between the socket and Helidon's frame reader, handing Helidon one frame (or part of
 * one) per read, so that a frame is read only once the one before it was acted on. A GOAWAY(NO_ERROR)
 * that arrives while streams are open is held back, unless it interrupts a header block (where
 * RFC 9113 §4.3 makes it a connection error, which Helidon raises); every other frame passes, so
 * the client's WINDOW_UPDATEs keep long answers flowing and its RST_STREAMs still cancel (each is
 * also recorded in the connection's {@link ResetStreams}, for the answer on that stream to stop). Once no
 * stream is open the connection ends, but the held GOAWAY is never handed on: Helidon would close
 * the socket at once, and a socket closed with the client's frames (WINDOW_UPDATEs for the tail
 * still on its way) unread is reset, which discards that tail at the client. A client that read its
 * answer hangs up, ending the connection as Helidon always does; one that sends nothing more for
 * {@value #CLOSE_GRACE_MILLIS} ms has the connection stopped with {@code Http2Connection.close(false)},
 * as Helidon's shutdown stops an idle one (its thread, waiting on the socket, is interrupted and
 * the socket closed, with no GOAWAY of Quarry's first). A GOAWAY with an error code passes at once:
 * that client is aborting, and its streams go with it. Streams the client opens after its own
 * GOAWAY are served until the connection is closed (RFC 9113 forbids new streams to the receiver
 * of a GOAWAY, not to its sender).
 */
final class GoAwayDeferral implements Supplier<byte[]> {
    private static final int PREFACE_LENGTH = 24, FRAME_HEADER_LENGTH = 9, GOAWAY = 0x7, NO_ERROR = 0x0;
    private static final int HEADERS = 0x1, RST_STREAM = 0x3, CONTINUATION = 0x9, END_HEADERS = 0x4;
    /** A GOAWAY's last-stream-id and error code; and a bound on the debug data after them beyond which the frame is left to Helidon. */
    private static final int GOAWAY_FIXED = 8, GOAWAY_MAX = 16_384;
    /** How long a connection whose last stream has ended waits for its client to hang up before it is closed. */
    static final long CLOSE_GRACE_MILLIS = 1000;

    private final DataReader socket;
    private final ResetStreams resets = new ResetStreams();
    // Read and written by the connection's thread only.
    private boolean prefaceRead;
    private int payloadLeft;
    /** Whether the last HEADERS or CONTINUATION left its header block open: RFC 9113 §4.3 allows no other frame before it ends. */
    private boolean inHeaderBlock;
    // Also read by the threads that run its streams.
    private volatile boolean held;
    private volatile Http2Connection connection;

    private GoAwayDeferral(DataReader socket) {
        this.socket = socket;
    }

    /**
     * Helidon's HTTP/2 connection over {@code ctx}, opened by {@code open} (which must expect the
     * connection preface, as prior knowledge and the h2c upgrade both do), behind this deferral.
     */
    static ServerConnection open(ConnectionContext ctx, Function<ConnectionContext, ServerConnection> open) {
        var deferral = new GoAwayDeferral(ctx.dataReader());
        var streamTasks = new AfterEachTask(ctx.executor(), deferral.resets.scope(), deferral::streamEnded);
        ServerConnection connection = open.apply(new DeferringContext(ctx, DataReader.create(deferral), streamTasks));
        // Any other connection is passed through untouched: without one to ask about its streams, nothing is held.
        if (connection instanceof Http2Connection http2) deferral.connection = http2;
        return connection;
    }

    @Override
    public byte[] get() {
        if (!prefaceRead) {
            prefaceRead = true;
            return socket.readBytes(PREFACE_LENGTH);
        }
        if (payloadLeft > 0) {
            socket.ensureAvailable();
            int chunk = Math.min(payloadLeft, socket.available());
            payloadLeft -= chunk;
            return socket.readBytes(chunk);
        }
        while (true) {
            byte[] header = socket.readBytes(FRAME_HEADER_LENGTH);
            int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
            if (header[3] == HEADERS || header[3] == CONTINUATION) inHeaderBlock = (header[4] & END_HEADERS) == 0;
            if (header[3] == RST_STREAM) resets.reset(streamId(header));
            // A GOAWAY inside a header block is handed on, for Helidon to end the connection with PROTOCOL_ERROR.
            if (header[3] != GOAWAY || inHeaderBlock || streamId(header) != 0 || length < GOAWAY_FIXED || length > GOAWAY_MAX) {
                payloadLeft = length;
                return header;
            }
            byte[] frame = new byte[FRAME_HEADER_LENGTH + length];
            System.arraycopy(header, 0, frame, 0, FRAME_HEADER_LENGTH);
            System.arraycopy(socket.readBytes(length), 0, frame, FRAME_HEADER_LENGTH, length);
            if (!heldBack(frame)) return frame;
        }
    }

    /** Whether the GOAWAY {@code frame} waits for the open streams (checked after it is marked held, as {@link #streamEnded} checks the other way round). */
    private boolean heldBack(byte[] frame) {
        Http2Connection http2 = connection;
        if (http2 == null || readInt(frame, FRAME_HEADER_LENGTH + 4) != NO_ERROR) return false;
        held = true;
        return !http2.canInterrupt();
    }

    /**
     * After each stream's handler: once a GOAWAY is held and no stream is left, the connection's
     * thread (most likely waiting on the socket for a frame that will not come) is stopped.
     */
    private void streamEnded() {
        Http2Connection http2 = connection;
        if (!held || !http2.canInterrupt()) return;
        // Not at once: the client's last frames (WINDOW_UPDATEs for the stream's tail) may still be unread, and
        // a socket closed with unread input is reset, which discards the tail still on its way. A client that
        // read its answer hangs up first, ending the connection as Helidon always does; one that does not is closed here.
        Thread.ofVirtual().name("h2-goaway-close").start(() -> {
            try {
                Thread.sleep(CLOSE_GRACE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (http2.canInterrupt()) http2.close(false);
        });
    }

    private static int streamId(byte[] header) {
        return readInt(header, 5) & 0x7fff_ffff;
    }

    private static int readInt(byte[] bytes, int at) {
        return ((bytes[at] & 0xff) << 24) | ((bytes[at + 1] & 0xff) << 16) | ((bytes[at + 2] & 0xff) << 8) | (bytes[at + 3] & 0xff);
    }
}
