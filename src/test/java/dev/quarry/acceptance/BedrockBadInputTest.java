package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.testing.TestQuarry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed, oversized, unauthenticated and hostile Bedrock Runtime requests each get a clear
 * error in restJson1 shape ({@code X-Amzn-Errortype} and {@code {"message"}}), and the server goes
 * on serving. Bedrock API keys (bearer tokens) keep these requests simple to write by hand.
 */
class BedrockBadInputTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int LIMIT = 4096;
    static final String CONVERSE = "/model/quarry%2Fecho/converse";
    static final HttpClient http = HttpClient.newHttpClient();
    static TestQuarry quarry;
    static String key;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start("server: { max_body_bytes: " + LIMIT + " }", Map.of());
        key = quarry.newKey("bedrock-bad-input");
    }

    @AfterAll
    static void stop() {
        quarry.close();
    }

    @AfterEach
    void serverStillServes() throws Exception {
        Reply ok = post(CONVERSE, "application/json", converse("still here?"), "Bearer " + key);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().at("/output/message/content/0/text").asText()).isEqualTo("You said: still here?");
    }

    @Test
    void malformedJsonIsAValidationException() throws Exception {
        assertError(post(CONVERSE, "application/json", "{\"messages\": [", "Bearer " + key), 400, "ValidationException", "not valid JSON");
    }

    @Test
    void missingMessagesNamesTheField() throws Exception {
        assertError(post(CONVERSE, "application/json", "{\"inferenceConfig\":{}}", "Bearer " + key), 400, "ValidationException", "'messages'");
    }

    @Test
    void aContentBlockWithTwoKindsNamesItsPath() throws Exception {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"a\",\"image\":{}}]}]}";
        assertError(post(CONVERSE, "application/json", body, "Bearer " + key), 400, "ValidationException", "messages[0].content[0]");
    }

    @Test
    void anUnsupportedBlockIsRefusedByName() throws Exception {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"video\":{\"format\":\"mp4\"}}]}]}";
        assertError(post(CONVERSE, "application/json", body, "Bearer " + key), 400, "ValidationException", "'video' content blocks");
    }

    @Test
    void aWrongContentTypeIsAValidationException() throws Exception {
        assertError(post(CONVERSE, "text/plain", converse("hi"), "Bearer " + key), 400, "ValidationException", "Content-Type: application/json");
    }

    @Test
    void aBodyOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
        assertError(post(CONVERSE, "application/json", converse("x".repeat(LIMIT)), "Bearer " + key), 400, "ValidationException",
                String.valueOf(LIMIT));
    }

    @Test
    void hostilyDeepNestingIsAValidationException() throws Exception {
        String body = "{\"messages\":" + "[".repeat(1500) + "]".repeat(1500) + "}";
        assertError(post(CONVERSE, "application/json", body, "Bearer " + key), 400, "ValidationException", "nesting");
    }

    @Test
    void noCredentialIsAnUnrecognizedClient() throws Exception {
        assertError(post(CONVERSE, "application/json", converse("hi"), null), 403, "UnrecognizedClientException", "No API key");
    }

    @Test
    void aWrongBearerKeyIsRefusedBeforeTheBodyIsRead() throws Exception {
        assertError(post(CONVERSE, "application/json", "{not json", "Bearer qk-not-a-real-key"), 403, "UnrecognizedClientException", "not valid");
    }

    @Test
    void aMalformedSignatureIsAnIncompleteSignature() throws Exception {
        assertError(post(CONVERSE, "application/json", converse("hi"), "AWS4-HMAC-SHA256 Credential=QKIAX/20250101/us-east-1/bedrock/aws4_request"),
                400, "IncompleteSignatureException", "SignedHeaders");
    }

    @Test
    void anUnknownModelIsAResourceNotFound() throws Exception {
        assertError(post("/model/no-such-model/converse", "application/json", converse("hi"), "Bearer " + key), 404,
                "ResourceNotFoundException", "no-such-model");
    }

    @Test
    void aStreamThatFailsBeforeAnyOutputIsAnHttpError() throws Exception {
        Reply r = post("/model/no-such-model/converse-stream", "application/json", converse("hi"), "Bearer " + key);
        assertThat(r.contentType()).startsWith("application/json");
        assertError(r, 404, "ResourceNotFoundException", "no-such-model");
    }

    @Test
    void anUnknownOperationOrAnUnencodedSlashIsAnUnknownOperation() throws Exception {
        assertError(post("/model/quarry%2Fecho/chat", "application/json", converse("hi"), "Bearer " + key), 404, "UnknownOperationException", "/chat");
        assertError(post("/model/quarry/echo/converse", "application/json", converse("hi"), "Bearer " + key), 404, "UnknownOperationException",
                "/model/quarry/echo/converse");
    }

    @Test
    void invokeWithABodyOfAnUnsupportedFamilySaysToUseConverse() throws Exception {
        // An Amazon Titan body: a family InvokeModel does not take.
        Reply r = post("/model/quarry%2Fecho/invoke", "application/json", "{\"inputText\":\"hi\"}", "Bearer " + key);
        assertError(r, 400, "ValidationException", "Converse");
    }

    record Reply(int status, String contentType, String errorType, JsonNode json) {}

    private static String converse(String text) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"" + text + "\"}]}]}";
    }

    private static Reply post(String path, String contentType, String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + path))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (authorization != null) request.header("Authorization", authorization);
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.headers().firstValue("X-Amzn-Errortype").orElse(null), JSON.readTree(response.body()));
    }

    private static void assertError(Reply r, int status, String errorType, String message) {
        assertThat(r.status()).as("status").isEqualTo(status);
        assertThat(r.errorType()).isEqualTo(errorType);
        assertThat(r.json().size()).as("restJson1 error bodies hold only the message").isEqualTo(1);
        assertThat(r.json().path("message").asText()).contains(message);
    }
}
