package dev.quarry.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.testing.TestQuarry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request that presents its credential more than once is a 400 in its surface's shape on every
 * surface, even when the first one is a good key: a proxy in front of Quarry that reads another of
 * them would see another identity than the one Quarry served; so too on the surfaces that take
 * no {@code x-api-key}, where a proxy might still read one. The same key twice as
 * {@code x-api-key} and bearer token (as Anthropic's SDKs send it when both are configured) is one credential.
 */
class DuplicateCredentialsTest {
    private static final String CHAT = "{\"model\":\"quarry/echo\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String CONVERSE = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}]}";

    private static TestQuarry quarry;
    private static String key;
    private static String other;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start();
        key = quarry.newKey("first-in-line");
        other = quarry.newKey("second-in-line");
    }

    @AfterAll
    static void stop() {
        quarry.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/chat/completions", "/openai/v1/chat/completions", "/v1/messages", "/model/quarry%2Fecho/converse",
            "/v1/models", "/admin/policies"})
    void twoAuthorizationHeadersAreA400(String path) throws Exception {
        String good = path.startsWith("/admin") ? quarry.adminKey() : key;
        assertThat(send(path, List.of("Authorization", "Bearer " + good)).statusCode()).as("one is served").isEqualTo(200);

        HttpResponse<String> twice = send(path, List.of("Authorization", "Bearer " + good, "Authorization", "Bearer " + other));
        assertThat(twice.statusCode()).as(twice.body()).isEqualTo(400);
        assertThat(twice.body()).contains("Authorization");
        assertSurfaceShape(path, twice);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/messages", "/admin/policies", "/v1/chat/completions", "/openai/v1/chat/completions",
            "/model/quarry%2Fecho/converse"})
    void twoApiKeysOrAnApiKeyAndAnotherBearerTokenAreA400(String path) throws Exception {
        String good = path.startsWith("/admin") ? quarry.adminKey() : key;
        assertThat(send(path, List.of("x-api-key", good, "Authorization", "Bearer " + good)).statusCode()).as("the same key twice is one")
                .isEqualTo(200);

        for (List<String> headers : List.of(List.of("x-api-key", good, "x-api-key", other), List.of("x-api-key", good, "Authorization", "Bearer " + other),
                List.of("x-api-key", good, "Authorization", "Basic dXNlcjpwYXNz"))) {
            HttpResponse<String> refused = send(path, headers);
            assertThat(refused.statusCode()).as(headers + ": " + refused.body()).isEqualTo(400);
            assertSurfaceShape(path, refused);
        }
    }

    private static void assertSurfaceShape(String path, HttpResponse<String> reply) {
        if (path.equals("/v1/messages")) {
            assertThat(reply.body()).startsWith("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\"");
        } else if (path.startsWith("/model/")) {
            assertThat(reply.headers().firstValue("X-Amzn-Errortype")).isPresent();
        } else {
            assertThat(reply.body()).contains("\"type\":\"invalid_request_error\"");
        }
    }

    /** A request whose headers are name, value pairs, sent as they are (a name may repeat); a POST of the surface's body where it takes one. */
    private static HttpResponse<String> send(String path, List<String> headers) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + path));
        if (path.equals("/v1/messages")) request.header("anthropic-version", "2023-06-01");
        for (int i = 0; i < headers.size(); i += 2) request.header(headers.get(i), headers.get(i + 1));
        if (path.endsWith("/models") || path.startsWith("/admin")) {
            request.GET();
        } else {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(path.startsWith("/model/") ? CONVERSE : CHAT));
        }
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
