package dev.quarry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.quarry.testing.QuarryCli;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the CLI sends the data folder's admin key, and what it makes of replies that are not the
 * admin API's: a listener on this machine stands in for a server that answers oddly.
 */
class CliConnectionSafetyTest {
    private static final String ADMIN_KEY = "qk-data-folder-admin-key-0123456789abcdef";

    @TempDir
    Path dir;

    private final Queue<String> seen = new ConcurrentLinkedQueue<>();
    private HttpServer listener;

    @AfterEach
    void stop() {
        if (listener != null) listener.stop(0);
    }

    @Test
    void onlyAUrlWrittenAsLoopbackIsThisMachine() {
        for (String local : List.of("http://127.0.0.1:8080", "http://127.0.0.2", "http://[::1]:8080", "http://localhost:8080",
                "http://LOCALHOST")) {
            assertThat(Connection.isLoopback(URI.create(local))).as(local).isTrue();
        }
        for (String remote : List.of("http://127.0.0.1.attacker.example", "http://localhost.attacker.example", "http://localhost.",
                "http://127.0.0.1@attacker.example", "http://0.0.0.0:8080", "http://192.0.2.1", "http://[::ffff:c000:201]")) {
            assertThat(Connection.isLoopback(URI.create(remote))).as(remote).isFalse();
        }
    }

    /**
     * A name whose DNS answer is 127.0.0.1 is still someone else's name: the answer can change
     * between the check and the connection. A hosts file stands in for that DNS answer.
     */
    @Test
    void aHostNameResolvingToLoopbackDoesNotGetTheDataFoldersKey() throws Exception {
        int port = listen(200, "{\"principals\": []}");
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("admin.key"), ADMIN_KEY);
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 quarry.attacker.example\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process cli = new ProcessBuilder(java, "-Djdk.net.hosts.file=" + hosts, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "principals", "list", "--url", "http://quarry.attacker.example:" + port, "--data", data.toString())
                .redirectErrorStream(true).start();
        String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(cli.exitValue()).as(output).isEqualTo(1);
        assertThat(output).contains("No key to call http://quarry.attacker.example:" + port).doesNotContain(ADMIN_KEY);
        assertThat(seen).isEmpty();
    }

    @Test
    void aRedirectIsAFailureAndIsNotFollowed() throws Exception {
        try (var elsewhere = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = listen(302, "", "Location", "http://127.0.0.1:" + elsewhere.getLocalPort() + "/admin/principals");
            elsewhere.setSoTimeout(1);
            QuarryCli.Output out = QuarryCli.run("principals", "create", "--name", "bob", "--url", "http://127.0.0.1:" + port,
                    "--key", ADMIN_KEY);
            assertThat(out.code()).isEqualTo(1);
            assertThat(out.stdout()).isEmpty();
            assertThat(out.stderr().strip()).contains("answered HTTP 302, a redirect to http://127.0.0.1:" + elsewhere.getLocalPort())
                    .doesNotContain("\n").doesNotContain(ADMIN_KEY);
            assertThat(seen).containsExactly("POST /admin/principals");
            try (var followed = elsewhere.accept()) {
                throw new AssertionError("the redirect was followed");
            } catch (java.net.SocketTimeoutException notFollowed) {
                // expected: nothing connected to where the redirect pointed
            }
        }
    }

    @Test
    void anErrorPageIsQuotedInOneShortLine() throws Exception {
        int port = listen(502, "<html>\n<body>\u001b[2J" + "Bad gateway. ".repeat(2000) + "</body></html>");
        QuarryCli.Output out = QuarryCli.run("principals", "list", "--url", "http://127.0.0.1:" + port, "--key", ADMIN_KEY);
        assertThat(out.code()).isEqualTo(1);
        assertThat(out.stderr().strip()).startsWith("quarry: <html> <body>\\u001b[2JBad gateway.").endsWith("(HTTP 502)")
                .doesNotContain("\n").doesNotContain("\u001b");
        assertThat(out.stderr().length()).isLessThan(500);
    }

    @Test
    void aKeyNoHeaderCanCarryIsRefusedWithoutQuotingIt() throws Exception {
        int port = listen(200, "{\"principals\": []}");
        QuarryCli.Output given = QuarryCli.run("principals", "list", "--url", "http://127.0.0.1:" + port, "--key", ADMIN_KEY + "\nsecond line");
        assertThat(given.code()).isEqualTo(1);
        assertThat(given.stderr()).contains("The key from --key holds a line break").doesNotContain(ADMIN_KEY);

        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("admin.key"), ADMIN_KEY + "\n# rotated 2026-11-01\n");
        QuarryCli.Output kept = QuarryCli.run("principals", "list", "--url", "http://127.0.0.1:" + port, "--data", data.toString());
        assertThat(kept.code()).isEqualTo(1);
        assertThat(kept.stderr()).contains("admin.key holds a line break").doesNotContain(ADMIN_KEY);
        assertThat(seen).isEmpty();
    }

    /** Answers every request with the status, body and headers given, noting each request line. */
    private int listen(int status, String body, String... headers) throws IOException {
        listener = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        listener.createContext("/", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            exchange.getRequestBody().readAllBytes();
            for (int i = 0; i < headers.length; i += 2) exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        listener.start();
        return listener.getAddress().getPort();
    }
}
