package dev.quarry.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One HTTP/2 cleartext connection with prior knowledge on which a test opens several streams and
 * resets some, as a browser or an SDK cancelling one request among several does. A reader thread
 * collects each stream's answer, acknowledges SETTINGS and hands DATA's window back at once (for
 * the connection always, for a stream only while it is not reset: a reset stream gets no more
 * frames from the client).
 */
public final class H2cConnection implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 20_000;
    private static final int DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, WINDOW_UPDATE = 8, CONTINUATION = 9;
    private static final int END_STREAM = 0x1, ACK = 0x1, END_HEADERS = 0x4;

    /** What has come back on one stream so far. */
    private static final class Answer {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final Map<String, String> headers = new ConcurrentHashMap<>();
        volatile boolean ended;
    }

    private final Socket socket = new Socket();
    private final OutputStream out;
    private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
    private final Map<Integer, Answer> answers = new ConcurrentHashMap<>();
    private final Set<Integer> reset = ConcurrentHashMap.newKeySet();
    private final Thread reader;

    private H2cConnection(int port) throws IOException {
        socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        out = socket.getOutputStream();
        out.write(H2Frames.PREFACE);
        frame(SETTINGS, 0, 0, new byte[0]);
        reader = Thread.ofVirtual().start(this::read);
    }

    public static H2cConnection open(int port) throws IOException {
        return new H2cConnection(port);
    }

    /**
     * A POST of {@code body} to {@code path} on {@code streamId} (odd, and above any used before),
     * with {@code headers} after the pseudo-headers; a pseudo-header among them (a signature's
     * {@code :authority}) is left out, the block has its own.
     */
    public void post(int streamId, String path, Map<String, String> headers, byte[] body) throws IOException {
        Http2Headers block = new DefaultHttp2Headers().method("POST").scheme("http").path(path).authority(authority());
        headers.forEach((name, value) -> {
            if (!name.startsWith(":")) block.add(name.toLowerCase(Locale.ROOT), value);
        });
        answers.put(streamId, new Answer());
        ByteBuf encoded = Unpooled.buffer();
        synchronized (this) {
            try {
                encoder.encodeHeaders(streamId, block, encoded);
            } catch (Http2Exception e) {
                throw new IOException(e);
            }
            byte[] bytes = new byte[encoded.readableBytes()];
            encoded.readBytes(bytes);
            frame(HEADERS, END_HEADERS, streamId, bytes);
            frame(DATA, END_STREAM, streamId, body);
        }
    }

    /** The {@code :authority} of every request on this connection. */
    public String authority() {
        return "127.0.0.1:" + socket.getPort();
    }

    /** RST_STREAM on {@code streamId} with {@code errorCode}. */
    public void reset(int streamId, int errorCode) throws IOException {
        reset.add(streamId);
        frame(RST_STREAM, 0, streamId, ByteBuffer.allocate(4).putInt(errorCode).array());
    }

    /** The body {@code streamId} has received so far. */
    public String body(int streamId) {
        Answer answer = answers.get(streamId);
        synchronized (answer.body) {
            return answer.body.toString(StandardCharsets.UTF_8);
        }
    }

    /** The headers {@code streamId}'s answer came with ({@code :status} among them); empty before they come. */
    public Map<String, String> headers(int streamId) {
        return Map.copyOf(answers.get(streamId).headers);
    }

    /** Waits until {@code streamId} has received some of its body. */
    public void awaitData(int streamId, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (body(streamId).isEmpty()) {
            if (System.nanoTime() > deadline) throw new AssertionError("no data on stream " + streamId + " in " + patience);
            Thread.sleep(5);
        }
    }

    /** Waits until the server has ended {@code streamId} (END_STREAM): whether it did in time. */
    public boolean awaitEnd(int streamId, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!answers.get(streamId).ended) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(5);
        }
        return true;
    }

    private void read() {
        var decoder = new DefaultHttp2HeadersDecoder(false);
        var block = new ByteArrayOutputStream();
        try {
            var in = new DataInputStream(socket.getInputStream());
            while (true) {
                H2Frames.Frame frame = H2Frames.read(in);
                int type = frame.type(), flags = frame.flags(), streamId = frame.streamId();
                byte[] payload = frame.payload();
                int length = payload.length;
                Answer answer = answers.get(streamId);
                switch (type) {
                    case SETTINGS -> {
                        if ((flags & ACK) == 0) frame(SETTINGS, ACK, 0, new byte[0]);
                    }
                    case HEADERS, CONTINUATION -> {
                        // Decoded whatever the stream, so that HPACK's dynamic table stays in step with the server's.
                        block.write(payload);
                        if ((flags & END_HEADERS) != 0) {
                            for (var header : decoder.decodeHeaders(streamId, Unpooled.wrappedBuffer(block.toByteArray()))) {
                                if (answer != null) answer.headers.put(header.getKey().toString(), header.getValue().toString());
                            }
                            block.reset();
                        }
                        if (answer != null && (flags & END_STREAM) != 0) answer.ended = true;
                    }
                    case DATA -> {
                        if (answer != null) {
                            synchronized (answer.body) {
                                answer.body.write(payload);
                            }
                            if ((flags & END_STREAM) != 0) answer.ended = true;
                        }
                        if (length > 0) {
                            byte[] increment = ByteBuffer.allocate(4).putInt(length).array();
                            if (!reset.contains(streamId)) frame(WINDOW_UPDATE, 0, streamId, increment);
                            frame(WINDOW_UPDATE, 0, 0, increment);
                        }
                    }
                    default -> { } // PING, WINDOW_UPDATE, RST_STREAM, GOAWAY: nothing these tests answer
                }
            }
        } catch (IOException | Http2Exception closed) {
            // the connection is over
        }
    }

    private synchronized void frame(int type, int flags, int streamId, byte[] payload) throws IOException {
        H2Frames.write(out, type, flags, streamId, payload);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        reader.interrupt();
    }
}
