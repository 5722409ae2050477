package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.quarry.testing.QuarryProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Quarry process runs out of file descriptors: its limit is lowered while it runs (as when
 * something else in the process holds them) and a client opens connections until accept fails.
 * Helidon then closes its listener; once the connections are gone Quarry serves again on the same
 * port, without a restart of the process. Linux only (prlimit), on loopback, 200 connections.
 */
class ListenerExhaustionTest {
    private static final int ATTACK = 200;

    @TempDir
    Path dir;

    @Test
    void theListenerComesBackAfterTheProcessRanOutOfFileDescriptors() throws Exception {
        assumeThat(Path.of("/proc/self/fd")).as("a Linux /proc").isDirectory();
        Path config = Files.writeString(dir.resolve("quarry.yaml"), "server: { shutdown_grace_seconds: 1 }\n");
        try (QuarryProcess quarry = QuarryProcess.start(dir, config, QuarryProcess.freePort())) {
            long open;
            try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(quarry.pid()), "fd"))) {
                open = fds.count();
            }
            long limit = open + 40;
            Process prlimit = new ProcessBuilder("prlimit", "--pid", Long.toString(quarry.pid()), "--nofile=" + limit + ":" + limit)
                    .redirectErrorStream(true).start();
            assumeThat(prlimit.waitFor(10, TimeUnit.SECONDS) && prlimit.exitValue() == 0).as("prlimit lowered the limit").isTrue();

            List<Socket> attack = new ArrayList<>();
            try {
                for (int i = 0; i < ATTACK; i++) {
                    Socket socket = new Socket();
                    attack.add(socket);
                    try {
                        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), quarry.port()), 2_000);
                    } catch (IOException refusedOrQueued) {
                        // the listener is full or gone: what the attack is after
                    }
                }
                assertThat(awaitLog(quarry, "this server socket is terminating now")).as("Helidon's listener died of the exhaustion").isTrue();
            } finally {
                for (Socket socket : attack) socket.close();
            }

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            assertThat(awaitReady(http, quarry)).as("/readyz after the attack").isEqualTo(200);
            HttpResponse<String> chat = http.send(HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + QuarryProcess.ADMIN_KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"quarry/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(chat.statusCode()).isEqualTo(200);
            assertThat(chat.body()).contains("You said: hi");
            assertThat(quarry.log()).contains("the HTTP listener is accepting connections again on port " + quarry.port());
        }
    }

    private static boolean awaitLog(QuarryProcess quarry, String line) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!quarry.log().contains(line)) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(100);
        }
        return true;
    }

    /** The status of {@code /readyz}, asked until it is 200, for up to 15 s; -1 if nothing answered. */
    private static int awaitReady(HttpClient http, QuarryProcess quarry) throws InterruptedException {
        HttpRequest ready = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/readyz")).timeout(Duration.ofSeconds(3)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        int status = -1;
        while (System.nanoTime() < deadline) {
            try {
                status = http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) return status;
            } catch (IOException notListening) {
                status = -1;
            }
            Thread.sleep(200);
        }
        return status;
    }
}
