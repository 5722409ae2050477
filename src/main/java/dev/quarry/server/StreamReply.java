package dev.quarry.server;

import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.surface.SseWriter;
import dev.quarry.surface.WireReply;
import io.helidon.http.http2.Http2Exception;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends a canonical stream to the client. The first event is awaited before the status line is
 * sent, so a failure that happens before any output (the usual case: an upstream that refuses)
 * still reaches the client as a proper HTTP error; later failures are the surface's in-stream
 * error events. The stream is always closed, which settles its ledger record.
 */
final class StreamReply {
    private static final Logger LOG = Logger.getLogger(StreamReply.class.getName());
    private static final Map<String, String> SSE_HEADERS = Map.of(
            "Content-Type", "text/event-stream; charset=utf-8", "Cache-Control", "no-cache", "X-Accel-Buffering", "no");

    private StreamReply() {}

    /** As Server-Sent Events. @return the HTTP status that was sent */
    static int send(ServerResponse res, EventStream stream, Function<QuarryError, WireReply> errors, Consumer<SseWriter> encoder,
                    String requestId) {
        return sendFramed(res, stream, errors, SSE_HEADERS, requestId, out -> encoder.accept(new SseWriter(out)));
    }

    /**
     * In any framing (SSE, AWS event-stream): {@code headers} name the content type, {@code
     * encoder} writes the frames. @return the HTTP status that was sent
     */
    static int sendFramed(ServerResponse res, EventStream stream, Function<QuarryError, WireReply> errors, Map<String, String> headers,
                          String requestId, Consumer<OutputStream> encoder) {
        try {
            try {
                stream.hasNext();
            } catch (QuarryException e) {
                WireReply reply = errors.apply(e.error());
                HttpIo.send(res, reply);
                return reply.status();
            }
            res.status(200);
            headers.forEach(res::header);
            try (OutputStream out = res.outputStream()) {
                encoder.accept(out);
            } catch (IOException | UncheckedIOException | ServerConnectionException | Http2Exception e) {
                // The client went away mid-stream (over HTTP/2 Helidon reports the socket it can no
                // longer write as a ServerConnectionException, an unchecked exception of its own, and a
                // client that stopped granting flow-control window as an Http2Exception once the wait
                // times out); closing the stream bills what was produced, and the call is logged as any other.
                LOG.log(Level.FINE, () -> "request_id=" + requestId + " client disconnected: " + e.getMessage());
            }
            return 200;
        } finally {
            closeAfterAnswer(stream, requestId);
        }
    }

    /**
     * Closing settles the stream (a client that hung up, a stream that ended early). The answer is
     * sent by then, so a failure to settle (logged with its cause where it happened) can reach
     * the client no more; thrown on, it would be answered a second time.
     */
    private static void closeAfterAnswer(EventStream stream, String requestId) {
        try {
            stream.close();
        } catch (RuntimeException e) {
            LOG.warning(() -> "request_id=" + requestId + " could not be settled after its answer was sent: " + e.getMessage());
        }
    }
}
