package dev.quarry.server;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.surface.WireReply;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.RequestException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/** Reading requests and writing replies, the same way for every surface. */
final class HttpIo {
    private static final SecureRandom RANDOM = new SecureRandom();

    private HttpIo() {}

    static String newRequestId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return "req_" + HexFormat.of().formatHex(bytes);
    }

    /** A request header's first value, or {@code null} when absent. */
    static String header(ServerRequest req, String name) {
        return req.headers().first(HeaderNames.create(name)).orElse(null);
    }

    static String clientAddress(ServerRequest req) {
        return req.remotePeer().host();
    }

    static String userAgent(ServerRequest req) {
        return req.headers().first(HeaderNames.USER_AGENT).orElse(null);
    }

    /** The error for a body whose declared length is over the limit; checked before anything is read. */
    static Optional<QuarryError> declaredTooLarge(ServerRequest req, long limit) {
        OptionalLong length = req.headers().contentLength();
        return length.isPresent() && length.getAsLong() > limit ? Optional.of(tooLarge(limit)) : Optional.empty();
    }

    /** Declared lengths up to this are read into an array of their size at once; larger ones as the bytes arrive. */
    private static final int EXACT_READ_MAX = 64 * 1024;

    /**
     * Reads a JSON request body of at most {@code limit} bytes. An empty body is empty however it
     * is framed (no body, {@code Content-Length: 0}, or a chunked body of its last chunk alone), and
     * is returned without its type being asked for: a signed GET has nothing that could be JSON.
     *
     * @throws QuarryException 415 for another content type or charset, 413 for a larger body
     */
    static byte[] readJsonBody(ServerRequest req, long limit) {
        // The stream is left unclosed when the read stops early: closing it would read the rest of
        // the body, however long, where ending the connection after the answer costs nothing.
        // A body declared (a length above 0, or Expect: 100-continue) is of the wrong type before any read: a
        // read would ask a client waiting for 100 Continue to send the body only for it to be refused.
        boolean declared = req.headers().contentLength().orElse(0) > 0 || req.headers().contains(HeaderNames.EXPECT);
        if (declared) requireJson(req);
        PushbackInputStream in = new PushbackInputStream(req.content().inputStream());
        // One byte tells an empty body from another, so that a body of the wrong type is still refused unread.
        int first = read(req, limit, in::read);
        if (first < 0) return new byte[0];
        if (!declared) requireJson(req);
        long length = req.headers().contentLength().orElse(-1);
        byte[] body = read(req, limit, () -> {
            in.unread(first);
            // A small body of a declared length is read into an array of that length; readNBytes(n) would
            // read through 16 KiB buffers and copy, for bodies that are mostly a few hundred bytes. A large
            // declared length is only a claim: the array grows as bytes arrive, or one byte sent under a
            // claimed 10 MiB would hold 10 MiB (before authentication, on routes that sign their bodies).
            if (length >= 0 && length <= EXACT_READ_MAX) return readUpTo(in, (int) length);
            return in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        });
        if (body.length > limit) {
            ConnectionClose.after(req);
            throw new QuarryException(tooLarge(limit));
        }
        return body;
    }

    /** The next {@code length} bytes, fewer if the body ends first. */
    private static byte[] readUpTo(InputStream in, int length) throws IOException {
        byte[] body = new byte[length];
        int read = in.readNBytes(body, 0, length);
        return read == length ? body : Arrays.copyOf(body, read);
    }

    private static void requireJson(ServerRequest req) {
        Optional<HttpMediaType> type = req.headers().contentType();
        if (type.isEmpty() || !type.get().mediaType().text().toLowerCase(Locale.ROOT).equals("application/json")) {
            throw QuarryException.of(ErrorKind.UNSUPPORTED_MEDIA_TYPE, "The request body must be JSON: send 'Content-Type: application/json'"
                    + type.map(t -> " (got '" + t.text() + "')").orElse(" (none was sent)") + ".");
        }
        Optional<String> charset = type.get().charset();
        if (charset.isPresent() && !charset.get().equalsIgnoreCase("utf-8")) {
            throw QuarryException.of(ErrorKind.UNSUPPORTED_MEDIA_TYPE, "JSON bodies must be UTF-8 (got charset '" + charset.get() + "').");
        }
    }

    @FunctionalInterface
    private interface BodyRead<T> {
        T read() throws IOException;
    }

    private static <T> T read(ServerRequest req, long limit, BodyRead<T> read) {
        try {
            return read.read();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            // The HTTP layer fails the read itself on a broken framing (a chunk size that is not hex,
            // a chunk extension it cannot parse) and on chunks past its ceiling: the client's doing,
            // and the rest of the connection can no longer be trusted to start where a request starts.
            ConnectionClose.after(req);
            if (e instanceof RequestException r && r.status().code() == ErrorKind.PAYLOAD_TOO_LARGE.httpStatus()) {
                throw new QuarryException(tooLarge(limit));
            }
            throw QuarryException.of(ErrorKind.INVALID_REQUEST, "The request body could not be read: its chunked transfer coding is "
                    + "malformed. Send a Content-Length body, or well-formed chunks without extensions or trailers.");
        }
    }

    /**
     * The largest body the HTTP layer may hold for one request. Helidon reads a chunk whole before
     * handing any of it on, so without a ceiling one chunk declared 2 GiB long would be buffered in
     * full before a route's own limit could refuse it. Twice the largest body any route reads
     * ({@code server.max_body_bytes}, an admin call's 64 KiB), so that routes still refuse
     * ordinary oversized bodies themselves, in their own error shape.
     */
    static long bufferCeiling(long maxBodyBytes) {
        return 2 * Math.max(maxBodyBytes, PlatformCalls.MAX_BODY);
    }

    static void send(ServerResponse res, WireReply reply) {
        res.status(reply.status());
        res.header(HeaderNames.CONTENT_TYPE, reply.contentType());
        reply.headers().forEach(res::header);
        res.send(reply.body());
    }

    private static QuarryError tooLarge(long limit) {
        return QuarryError.of(ErrorKind.PAYLOAD_TOO_LARGE, "The request body is larger than this server's limit of " + limit
                + " bytes (server.max_body_bytes). Send less input, e.g. fewer or smaller images.");
    }
}
