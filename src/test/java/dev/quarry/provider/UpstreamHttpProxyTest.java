package dev.quarry.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.QuarryException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The JVM's proxy settings ({@code -Dhttp.proxyHost=}...) still carry the calls to an upstream. */
class UpstreamHttpProxyTest {

    @Test
    void theJvmsProxyIsUsedWhenItNamesOneForTheUpstream() throws Exception {
        try (ServerSocket proxy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
                try (Socket socket = proxy.accept()) {
                    return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1)).readLine();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // The machine's own name: it resolves, and is not among the JVM's default non-proxy hosts (localhost, 127.*).
            String upstream = InetAddress.getLocalHost().getHostName();
            String[] keys = {"http.proxyHost", "http.proxyPort"};
            String[] before = {System.getProperty(keys[0]), System.getProperty(keys[1])};
            System.setProperty("http.proxyHost", "127.0.0.1");
            System.setProperty("http.proxyPort", Integer.toString(proxy.getLocalPort()));
            try {
                UpstreamHttp http = new UpstreamHttp(new ProviderSettings("proxied", "openai-compatible",
                        URI.create("http://" + upstream + ":9"), null, null, null, Map.of()), (status, body, retryAfter) -> null);
                assertThatThrownBy(() -> http.postJson("/v1/chat/completions", "{}".getBytes(StandardCharsets.UTF_8), Map.of()).close())
                        .isInstanceOf(QuarryException.class); // the stand-in proxy hangs up
            } finally {
                for (int i = 0; i < keys.length; i++) {
                    if (before[i] == null) System.clearProperty(keys[i]);
                    else System.setProperty(keys[i], before[i]);
                }
            }
            assertThat(firstLine.get(10, TimeUnit.SECONDS)).as("the call went to the proxy").startsWith("CONNECT ").endsWith(":9 HTTP/1.1");
        }
    }
}
