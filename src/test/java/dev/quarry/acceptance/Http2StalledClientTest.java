package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.testing.AccessLog;
import dev.quarry.testing.H2Frames;
import dev.quarry.testing.TestQuarry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An HTTP/2 client that stops granting flow-control window mid-stream is one that went away: once
 * Helidon gives up waiting for its WINDOW_UPDATE (its flow-control timeout, 15 seconds by default)
 * the call ends as a hung-up client's does, logged with the status that was sent.
 */
class Http2StalledClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Helidon's default flow-control timeout, and time to spare. */
    private static final Duration PATIENCE = Duration.ofSeconds(45);
    private static final int DATA = 0, HEADERS = 1, SETTINGS = 4, END_STREAM = 0x1, ACK = 0x1, END_HEADERS = 0x4;

    @Test
    void aStreamWhoseClientStopsReadingIsLoggedAsAnswered() throws Exception {
        try (var quarry = TestQuarry.start(); var socket = new Socket(); var access = AccessLog.record()) {
            int port = URI.create(quarry.baseUrl()).getPort();
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            OutputStream out = socket.getOutputStream();
            out.write(H2Frames.PREFACE);
            frame(out, SETTINGS, 0, 0, new byte[0]);
            Http2Headers headers = new DefaultHttp2Headers().method("POST").scheme("http").path("/v1/chat/completions").authority("127.0.0.1:" + port);
            headers.add("content-type", "application/json").add("authorization", "Bearer " + quarry.newKey("stalled"));
            frame(out, HEADERS, END_HEADERS, 1, hpack(headers));
            // The echo model's answer to this is far over HTTP/2's initial 64 KiB window.
            frame(out, DATA, END_STREAM, 1, JSON.writeValueAsBytes(Map.of("model", "quarry/echo", "stream", true,
                    "messages", List.of(Map.of("role", "user", "content", "stalling ".repeat(1000))))));
            out.flush();
            Thread.ofVirtual().start(() -> readWithoutGrantingWindow(socket));

            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (access.lines().isEmpty() && System.nanoTime() < deadline) Thread.sleep(100);

            assertThat(access.lines()).singleElement().asString().contains("path=/v1/chat/completions").contains("status=200");
        }
    }

    /** Reads every frame and acknowledges the server's SETTINGS, but never sends WINDOW_UPDATE. */
    private static void readWithoutGrantingWindow(Socket socket) {
        try {
            var in = new DataInputStream(socket.getInputStream());
            while (true) {
                H2Frames.Frame frame = H2Frames.read(in);
                if (frame.type() == SETTINGS && (frame.flags() & ACK) == 0) {
                    OutputStream out = socket.getOutputStream();
                    frame(out, SETTINGS, ACK, 0, new byte[0]);
                    out.flush();
                }
            }
        } catch (IOException closed) {
            // the test is over
        }
    }

    private static byte[] hpack(Http2Headers headers) throws Exception {
        ByteBuf buf = Unpooled.buffer();
        new DefaultHttp2HeadersEncoder().encodeHeaders(1, headers, buf);
        byte[] block = new byte[buf.readableBytes()];
        buf.readBytes(block);
        return block;
    }

    private static synchronized void frame(OutputStream out, int type, int flags, int streamId, byte[] payload) throws IOException {
        H2Frames.write(out, type, flags, streamId, payload);
    }
}
