package dev.quarry.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.testing.TestQuarry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The listener's caps and timeouts, seen from sockets on loopback (each 127.0.0.x is its own
 * client address): an address past its cap is closed at once, connections past the total cap are
 * answered 503 and {@code /readyz} says why, a connection that never finishes a request head is
 * closed, and once the attack ends the listener serves as before.
 */
class ConnectionLimitsTest {
    private static final String CHAT = "{\"model\":\"quarry/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Test
    void connectionsPastTheCapsAreRefusedReadinessSaysWhyAndTheListenerRecovers() throws Exception {
        try (TestQuarry quarry = TestQuarry.start("""
                server: { max_connections: 20, max_connections_per_client: 10, header_timeout_seconds: 60, idle_timeout_seconds: 60 }
                """, Map.of())) {
            String key = quarry.newKey("crowd");
            List<Socket> attack = new ArrayList<>();
            try {
                for (int i = 0; i < 10; i++) attack.add(open(quarry, "127.0.0.2"));
                Socket oneTooMany = open(quarry, "127.0.0.2");
                attack.add(oneTooMany);
                assertThat(closedByServer(oneTooMany)).as("the 11th connection of one address is closed").isTrue();
                assertThat(answer(attack.getFirst(), get("/readyz"))).as("the address's other connections are served")
                        .startsWith("HTTP/1.1 200");

                for (int i = 0; i < 10; i++) attack.add(open(quarry, "127.0.0.3"));
                String readiness = answer(open(quarry, "127.0.0.4"), get("/readyz"));
                assertThat(readiness).startsWith("HTTP/1.1 503").contains("at its connection limit");
                String refused = answer(open(quarry, "127.0.0.5"), post("/v1/chat/completions", key, CHAT));
                assertThat(refused).startsWith("HTTP/1.1 503").containsIgnoringCase("retry-after: 1").containsIgnoringCase("connection: close")
                        .contains("connection limit");
            } finally {
                for (Socket socket : attack) socket.close();
            }

            assertThat(awaitReady(quarry)).startsWith("HTTP/1.1 200");
            assertThat(answer(open(quarry, "127.0.0.2"), post("/v1/chat/completions", key, CHAT)))
                    .startsWith("HTTP/1.1 200").contains("You said: hi");
        }
    }

    @Test
    void aConnectionThatDoesNotFinishItsRequestHeadInTimeIsClosedEvenIfItTrickles() throws Exception {
        try (TestQuarry quarry = TestQuarry.start("server: { header_timeout_seconds: 1, idle_timeout_seconds: 2 }", Map.of())) {
            try (Socket silent = open(quarry, "127.0.0.6"); Socket trickling = open(quarry, "127.0.0.6")) {
                byte[] head = get("/readyz").getBytes(StandardCharsets.US_ASCII);
                boolean closed = false;
                // One byte every 200 ms never completes the head within 10 s: only the header timeout can end it.
                for (int i = 0; i < head.length - 2 && !closed; i++) {
                    try {
                        trickling.getOutputStream().write(head[i]);
                        Thread.sleep(200);
                    } catch (SocketException reset) {
                        closed = true;
                    }
                }
                assertThat(closed || closedByServer(trickling)).as("the trickling connection was closed").isTrue();
                assertThat(closedByServer(silent)).as("the silent connection was closed").isTrue();
            }
            try (Socket keptAlive = open(quarry, "127.0.0.7")) {
                assertThat(answer(keptAlive, get("/healthz"))).startsWith("HTTP/1.1 200");
                assertThat(closedByServer(keptAlive)).as("the idle kept-alive connection was closed").isTrue();
            }
        }
    }

    private static Socket open(TestQuarry quarry, String from) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), quarry.quarry().port()), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: quarry\r\n\r\n";
    }

    private static String post(String path, String key, String json) {
        return "POST " + path + " HTTP/1.1\r\nHost: quarry\r\nAuthorization: Bearer " + key + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + json.length() + "\r\n\r\n" + json;
    }

    /** Sends a request and reads one answer with a Content-Length body. */
    private static String answer(Socket socket, String request) throws IOException {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int length = -1;
        int headEnd = -1;
        while (headEnd < 0 || got.size() < headEnd + length) {
            int b = in.read();
            if (b < 0) break;
            got.write(b);
            String text = got.toString(StandardCharsets.UTF_8);
            if (headEnd < 0 && text.endsWith("\r\n\r\n")) {
                headEnd = got.size();
                length = text.lines().filter(l -> l.regionMatches(true, 0, "content-length:", 0, 15))
                        .mapToInt(l -> Integer.parseInt(l.substring(15).strip())).findFirst().orElse(0);
            }
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    /** Whether the server ends the connection (end of stream or reset) before the read timeout. */
    private static boolean closedByServer(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    /** {@code /readyz} on fresh connections until it answers 200, for up to 10 s: the server notices closed sockets as it reads them. */
    private static String awaitReady(TestQuarry quarry) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        String last;
        do {
            try (Socket socket = open(quarry, "127.0.0.8")) {
                last = answer(socket, get("/readyz"));
            }
            if (last.startsWith("HTTP/1.1 200")) return last;
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return last;
    }
}
