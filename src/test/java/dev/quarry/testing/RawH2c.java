package dev.quarry.testing;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request over HTTP/2 cleartext with prior knowledge (RFC 9113 §3.3), as the AWS SDK for
 * JavaScript v3 speaks to an {@code http://} endpoint. No Java client sends exactly the header
 * block a test needs (the JDK's upgrades from HTTP/1.1, and all of them add {@code host} or
 * {@code :authority} themselves), so the block is written here verbatim: HPACK literals, never
 * indexed, in the order given. The answer's block is read with Netty's HPACK decoder, since a
 * server may Huffman-code it.
 */
public final class RawH2c {
    private static final int TIMEOUT_MILLIS = 20_000;
    private static final int DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, GOAWAY = 7, WINDOW_UPDATE = 8, CONTINUATION = 9;
    private static final int NO_ERROR = 0;
    private static final int END_STREAM = 0x1, ACK = 0x1, END_HEADERS = 0x4;
    private static final int STREAM = 1, SECOND_STREAM = 3;
    /** The first entry of RFC 7541's static table (Appendix A) for each request pseudo-header. */
    private static final Map<String, Integer> STATIC_PSEUDO_HEADERS = Map.of(":authority", 1, ":method", 2, ":path", 4, ":scheme", 6);

    /**
     * What came back for stream 1: its status and headers (0 and empty when none came), its body,
     * and the error code of a RST_STREAM or GOAWAY that ended it, or -1.
     */
    public record Response(int status, Map<String, String> headers, byte[] body, int resetCode, int goAwayCode) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * What the client does once the answer's headers are in: send GOAWAY(last-stream-id 0) with
     * {@code goAwayCode} (none if negative), inside the header block {@code interrupted} of a
     * second request (on stream 3) if there is one; then close the connection ({@code hangUp}), or
     * read the answer and, with {@code untilClosed}, read on past its end until the server closes.
     */
    private record AfterHeaders(int goAwayCode, boolean hangUp, boolean untilClosed, byte[] interrupted) {
        static final AfterHeaders READ_ON = new AfterHeaders(-1, false, false, null);

        AfterHeaders(int goAwayCode, boolean hangUp, boolean untilClosed) {
            this(goAwayCode, hangUp, untilClosed, null);
        }
    }

    private RawH2c() {}

    /** Sends one request on stream 1 with exactly {@code headerBlock} (pseudo-headers first, as HTTP/2 requires) and {@code body}. */
    public static Response send(int port, List<Map.Entry<String, String>> headerBlock, byte[] body) throws IOException {
        return exchange(port, headerBlock, body, AfterHeaders.READ_ON);
    }

    /**
     * As {@link #send}, sending GOAWAY(NO_ERROR, last-stream-id 0) as soon as the answer's headers
     * arrive, as the AWS SDK for JavaScript v3 does on every event-stream call, then reading the whole answer.
     */
    public static Response sendGoingAway(int port, List<Map.Entry<String, String>> headerBlock, byte[] body) throws IOException {
        return exchange(port, headerBlock, body, new AfterHeaders(NO_ERROR, false, false));
    }

    /**
     * As {@link #sendGoingAway} with {@code goAwayCode} as the GOAWAY's error code, then reading
     * until the server closes the connection (past the answer's end): the response is what came
     * before that, its {@code goAwayCode} the server's GOAWAY if it sent one.
     */
    public static Response sendGoingAwayUntilClosed(int port, List<Map.Entry<String, String>> headerBlock, byte[] body, int goAwayCode)
            throws IOException {
        return exchange(port, headerBlock, body, new AfterHeaders(goAwayCode, false, true));
    }

    /**
     * As {@link #sendGoingAwayUntilClosed} with NO_ERROR, the GOAWAY sent between the HEADERS and
     * the CONTINUATION of a second request with the same header block (on stream 3, with no body),
     * where RFC 9113 §4.3 allows no other frame.
     */
    public static Response goAwayInsideAHeaderBlock(int port, List<Map.Entry<String, String>> headerBlock, byte[] body) throws IOException {
        return exchange(port, headerBlock, body, new AfterHeaders(NO_ERROR, false, true, encode(headerBlock)));
    }

    /** As {@link #sendGoingAway}, but closing the connection right after that GOAWAY: the answer has its headers and no body. */
    public static Response goAwayAndHangUp(int port, List<Map.Entry<String, String>> headerBlock, byte[] body) throws IOException {
        return exchange(port, headerBlock, body, new AfterHeaders(NO_ERROR, true, false));
    }

    private static Response exchange(int port, List<Map.Entry<String, String>> headerBlock, byte[] body, AfterHeaders after)
            throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(H2Frames.PREFACE);
            H2Frames.write(out, SETTINGS, 0, 0, new byte[0]);
            H2Frames.write(out, HEADERS, body.length == 0 ? END_HEADERS | END_STREAM : END_HEADERS, STREAM, encode(headerBlock));
            if (body.length > 0) H2Frames.write(out, DATA, END_STREAM, STREAM, body);
            out.flush();
            return read(new DataInputStream(socket.getInputStream()), out, after);
        }
    }

    private static Response read(DataInputStream in, OutputStream out, AfterHeaders after) throws IOException {
        var decoder = new DefaultHttp2HeadersDecoder(false);
        var block = new ByteArrayOutputStream();
        var body = new ByteArrayOutputStream();
        Map<String, String> headers = new LinkedHashMap<>();
        int status = 0;
        int goAwayCode = -1;
        while (true) {
            H2Frames.Frame frame;
            try {
                frame = H2Frames.read(in);
            } catch (EOFException | SocketException closed) {
                return new Response(status, headers, body.toByteArray(), -1, goAwayCode);
            }
            int type = frame.type(), flags = frame.flags(), streamId = frame.streamId();
            byte[] payload = frame.payload();
            int length = payload.length;
            switch (type) {
                case SETTINGS -> {
                    if ((flags & ACK) == 0) {
                        // A server that refuses the request may close the connection before the acknowledgement
                        // arrives; what it said (its GOAWAY) is found by the next read.
                        try {
                            H2Frames.write(out, SETTINGS, ACK, 0, new byte[0]);
                            out.flush();
                        } catch (SocketException closed) {
                            // read on
                        }
                    }
                }
                case GOAWAY -> {
                    goAwayCode = ((payload[4] & 0xff) << 24) | ((payload[5] & 0xff) << 16) | ((payload[6] & 0xff) << 8) | (payload[7] & 0xff);
                    if (!after.untilClosed()) return new Response(status, headers, body.toByteArray(), -1, goAwayCode);
                }
                case RST_STREAM -> {
                    if (streamId != STREAM) continue;
                    int code = ((payload[0] & 0xff) << 24) | ((payload[1] & 0xff) << 16) | ((payload[2] & 0xff) << 8) | (payload[3] & 0xff);
                    return new Response(status, headers, body.toByteArray(), code, -1);
                }
                case HEADERS, CONTINUATION -> {
                    if (streamId != STREAM) continue;
                    block.write(payload);
                    if ((flags & END_HEADERS) != 0) {
                        try {
                            for (var header : decoder.decodeHeaders(STREAM, Unpooled.wrappedBuffer(block.toByteArray()))) {
                                headers.put(header.getKey().toString(), header.getValue().toString());
                            }
                        } catch (Http2Exception e) {
                            throw new IOException("the server's header block is not HPACK", e);
                        }
                        block.reset();
                        if (headers.containsKey(":status")) status = Integer.parseInt(headers.get(":status"));
                        if (after.goAwayCode() >= 0 && (flags & END_STREAM) == 0) {
                            byte[] second = after.interrupted();
                            if (second != null) H2Frames.write(out, HEADERS, END_STREAM, SECOND_STREAM, Arrays.copyOf(second, second.length / 2));
                            H2Frames.write(out, GOAWAY, 0, 0, ByteBuffer.allocate(8).putInt(0).putInt(after.goAwayCode()).array());
                            if (second != null) {
                                H2Frames.write(out, CONTINUATION, END_HEADERS, SECOND_STREAM, Arrays.copyOfRange(second, second.length / 2, second.length));
                            }
                            out.flush();
                            if (after.hangUp()) return new Response(status, headers, new byte[0], -1, -1);
                        }
                    }
                    if ((flags & END_STREAM) != 0 && !after.untilClosed()) return new Response(status, headers, body.toByteArray(), -1, -1);
                }
                case DATA -> {
                    if (streamId != STREAM) continue;
                    body.write(payload);
                    if ((flags & END_STREAM) != 0 && !after.untilClosed()) return new Response(status, headers, body.toByteArray(), -1, -1);
                    if (length > 0) {
                        // Hand the window back at once, for the stream and the connection: an answer over 64 KiB is never
                        // stalled. A server that has closed the connection is found by the next read.
                        byte[] increment = ByteBuffer.allocate(4).putInt(length).array();
                        try {
                            H2Frames.write(out, WINDOW_UPDATE, 0, STREAM, increment);
                            H2Frames.write(out, WINDOW_UPDATE, 0, 0, increment);
                            out.flush();
                        } catch (SocketException closed) {
                            // read on
                        }
                    }
                }
                default -> { } // PING, WINDOW_UPDATE, PRIORITY: nothing this one request needs to answer
            }
        }
    }

    /**
     * "Literal Header Field without Indexing" (RFC 7541 §6.2.2) for each header, with no Huffman
     * coding: by name for ordinary headers, by the static table's index for pseudo-headers, since
     * Helidon refuses a pseudo-header whose name is spelled out (and HTTP/2 clients never do it).
     */
    private static byte[] encode(List<Map.Entry<String, String>> headerBlock) {
        var out = new ByteArrayOutputStream();
        for (var header : headerBlock) {
            Integer index = STATIC_PSEUDO_HEADERS.get(header.getKey());
            if (index != null) {
                out.write(index); // 0000 + a 4-bit index: every pseudo-header's is below 15
            } else {
                out.write(0x00);
                string(out, header.getKey().getBytes(StandardCharsets.ISO_8859_1));
            }
            string(out, header.getValue().getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toByteArray();
    }

    /** An HPACK string: its length as a 7-bit-prefix integer (RFC 7541 §5.1), then its octets. */
    private static void string(ByteArrayOutputStream out, byte[] octets) {
        int length = octets.length;
        if (length < 127) {
            out.write(length);
        } else {
            out.write(127);
            for (length -= 127; length >= 128; length >>>= 7) out.write((length & 0x7f) | 0x80);
            out.write(length);
        }
        out.writeBytes(octets);
    }
}
