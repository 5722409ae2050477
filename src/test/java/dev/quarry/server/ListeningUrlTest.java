package dev.quarry.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.testing.TestQuarry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The address Quarry says it serves on (start-up line, log) is a URL a client can use, for an IPv6 host too. */
class ListeningUrlTest {

    @Test
    void anIpv6HostIsBracketedInTheUrlQuarryServesOn() throws Exception {
        try (TestQuarry quarry = TestQuarry.start("server: { host: \"::1\" }", Map.of())) {
            String url = quarry.quarry().url();

            assertThat(url).isEqualTo("http://[::1]:" + quarry.quarry().port());
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aNameOrIpv4HostIsAsConfigured() {
        try (TestQuarry quarry = TestQuarry.start()) {
            assertThat(quarry.quarry().url()).isEqualTo("http://127.0.0.1:" + quarry.quarry().port());
        }
    }
}
