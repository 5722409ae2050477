package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.ToolBash20250124;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.testing.TestQuarry;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed, oversized and unauthenticated requests on the Anthropic surface each get a clear 4xx
 * in Anthropic's error shape, whichever way the key is sent, and the server goes on serving.
 */
class AnthropicBadInputTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int LIMIT = 4096;
    static final HttpClient http = HttpClient.newHttpClient();
    static TestQuarry quarry;
    static String key;

    /** How a request presents its key: Anthropic's own header, or a bearer token. */
    enum KeyHeader {
        X_API_KEY, BEARER;

        void apply(HttpRequest.Builder request, String apiKey) {
            if (this == X_API_KEY) request.header("x-api-key", apiKey);
            else request.header("Authorization", "Bearer " + apiKey);
        }
    }

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start("server: { max_body_bytes: " + LIMIT + " }", Map.of());
        key = quarry.newKey("anthropic-bad-input");
    }

    @AfterAll
    static void stop() {
        quarry.close();
    }

    @AfterEach
    void serverStillServes() throws Exception {
        Reply ok = post("/v1/messages", messages("quarry/echo", "still here?"));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().at("/content/0/text").asText()).isEqualTo("You said: still here?");
    }

    @Test
    void malformedJsonIsA400() throws Exception {
        assertError(post("/v1/messages", "{\"model\": \"quarry/echo\", "), 400, "invalid_request_error", "not valid JSON");
    }

    @Test
    void aMissingMaxTokensIsA400NamingIt() throws Exception {
        String body = "{\"model\":\"quarry/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        assertError(post("/v1/messages", body), 400, "invalid_request_error", "'max_tokens'");
    }

    @Test
    void aWrongFieldTypeNamesItsPath() throws Exception {
        String body = "{\"model\":\"quarry/echo\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]}";
        assertError(post("/v1/messages", body), 400, "invalid_request_error", "messages[0].content[0].text");
    }

    @Test
    void anAnthropicDefinedToolIsRefusedByName() throws Exception {
        String body = "{\"model\":\"quarry/echo\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]}";
        assertError(post("/v1/messages", body), 400, "invalid_request_error", "web_search_20250305");
    }

    @Test
    void aWrongContentTypeIsA415() throws Exception {
        Reply r = send(request("/v1/messages", KeyHeader.X_API_KEY, key).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(messages("quarry/echo", "hi"))).build());
        assertError(r, 415, "invalid_request_error", "Content-Type: application/json");
    }

    @Test
    void aBodyOverTheLimitIsA413() throws Exception {
        assertError(post("/v1/messages", messages("quarry/echo", "x".repeat(LIMIT))), 413, "request_too_large", String.valueOf(LIMIT));
        assertError(post("/v1/messages/count_tokens", messages("quarry/echo", "x".repeat(LIMIT))), 413, "request_too_large",
                String.valueOf(LIMIT));
    }

    @Test
    void aChunkedBodyOverTheLimitIsA413() throws Exception {
        byte[] big = messages("quarry/echo", "x".repeat(LIMIT)).getBytes(StandardCharsets.UTF_8);
        HttpRequest chunked = request("/v1/messages", KeyHeader.X_API_KEY, key).header("Content-Type", "application/json")
                // No length known up front: the client sends Transfer-Encoding: chunked.
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build();
        assertError(send(chunked), 413, "request_too_large", "larger than");
    }

    @Test
    void aMissingKeyIsA401() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/v1/messages"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(messages("quarry/echo", "hi"))).build();
        assertError(send(request), 401, "authentication_error", "No API key");
    }

    @Test
    void aWrongKeyIsA401InEitherHeaderEvenWithAMalformedBody() throws Exception {
        for (KeyHeader header : KeyHeader.values()) {
            HttpRequest request = request("/v1/messages", header, "qk-not-a-real-key").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{not json")).build();
            assertError(send(request), 401, "authentication_error", "not valid");
        }
    }

    @Test
    void aGoodKeyWorksInEitherHeader() throws Exception {
        for (KeyHeader header : KeyHeader.values()) {
            HttpRequest request = request("/v1/messages", header, key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(messages("echo", "hello"))).build();
            assertThat(send(request).status()).as(header.name()).isEqualTo(200);
        }
    }

    @Test
    void anUnknownModelIsA404NamingIt() throws Exception {
        assertError(post("/v1/messages", messages("no-such-model", "hi")), 404, "not_found_error", "no-such-model");
        assertError(post("/v1/messages/count_tokens", messages("no-such-model", "hi")), 404, "not_found_error", "no-such-model");
    }

    @Test
    void aStreamingRequestThatFailsBeforeAnyOutputGetsAnHttpError() throws Exception {
        String body = "{\"model\":\"nope\",\"max_tokens\":10,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        Reply r = post("/v1/messages", body);
        assertThat(r.contentType()).startsWith("application/json");
        assertError(r, 404, "not_found_error", "nope");
    }

    @Test
    void aKnownModelWithoutDeploymentSaysWhatToConfigure() throws Exception {
        assertError(post("/v1/messages", messages("claude-sonnet-4-5", "hi")), 400, "invalid_request_error", "no deployment configured");
    }

    @Test
    void theModelListRefusesAWrongKeyAndABadLimitInAnthropicsShape() throws Exception {
        HttpRequest wrongKey = request("/v1/models", KeyHeader.X_API_KEY, "qk-wrong").header("anthropic-version", "2023-06-01").GET().build();
        assertError(send(wrongKey), 401, "authentication_error", "not valid");
        HttpRequest badLimit = request("/v1/models?limit=0", KeyHeader.X_API_KEY, key).header("anthropic-version", "2023-06-01").GET().build();
        assertError(send(badLimit), 400, "invalid_request_error", "'limit'");
    }

    @Test
    void theOfficialSdkSurfacesQuarryErrorsAsTypedExceptions() {
        AnthropicClient bad = AnthropicOkHttpClient.builder().baseUrl(quarry.baseUrl()).apiKey("qk-wrong").maxRetries(0).build();
        AnthropicClient good = AnthropicOkHttpClient.builder().baseUrl(quarry.baseUrl()).apiKey(key).maxRetries(0).build();
        try {
            var params = MessageCreateParams.builder().model("quarry/echo").maxTokens(10).addUserMessage("hi").build();
            assertThatThrownBy(() -> bad.messages().create(params)).isInstanceOf(UnauthorizedException.class)
                    .hasMessageContaining("not valid");
            assertThatThrownBy(() -> good.messages().create(params.toBuilder().model("missing").build()))
                    .isInstanceOf(NotFoundException.class).hasMessageContaining("missing");
            assertThatThrownBy(() -> good.messages().create(params.toBuilder().addTool(ToolBash20250124.builder().build()).build()))
                    .isInstanceOf(BadRequestException.class).hasMessageContaining("bash_20250124");
        } finally {
            bad.close();
            good.close();
        }
    }

    record Reply(int status, String contentType, JsonNode json, HttpHeaders headers) {}

    private static HttpRequest.Builder request(String path, KeyHeader header, String apiKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + path));
        header.apply(request, apiKey);
        return request;
    }

    private static Reply post(String path, String body) throws Exception {
        return send(request(path, KeyHeader.X_API_KEY, key).header("Content-Type", "application/json")
                .header("anthropic-version", "2023-06-01").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static Reply send(HttpRequest request) throws Exception {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(response.statusCode(), response.headers().firstValue("content-type").orElse(""),
                JSON.readTree(response.body()), response.headers());
    }

    private static void assertError(Reply r, int status, String type, String messageFragment) {
        assertThat(r.status()).as(r.json().toString()).isEqualTo(status);
        assertThat(r.json().get("type").asText()).isEqualTo("error");
        assertThat(r.json().at("/error/type").asText()).isEqualTo(type);
        assertThat(r.json().at("/error/message").asText()).contains(messageFragment);
        assertThat(r.headers().firstValue("x-request-id")).isPresent();
    }

    private static String messages(String model, String text) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }
}
