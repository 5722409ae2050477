package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.identity.IssuedKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.testing.TestQuarry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Requests to Quarry's Bedrock-compatible {@code /openai/v1} that must be refused, each in OpenAI's
 * error shape: a signature for another service (Bedrock Runtime's {@code bedrock}), a signature
 * that does not match, none at all, and one made for another host; and a {@code bedrock-mantle}
 * signature on the Bedrock Runtime routes, refused in theirs. Signatures are the AWS SDK's.
 */
class BedrockMantleBadInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESPONSES = "/openai/v1/responses";
    private static final String BODY = "{\"model\":\"quarry/echo\",\"input\":\"hi\"}";
    private static final HttpClient http = HttpClient.newHttpClient();
    static TestQuarry quarry;
    static IssuedKey key;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start("", Map.of());
        key = quarry.quarry().identities().createKey("mantle-bad-input", PrincipalKind.USER);
    }

    @AfterAll
    static void stop() {
        quarry.close();
    }

    @AfterEach
    void aGoodSignatureStillWorks() throws Exception {
        Reply ok = send(RESPONSES, BODY, signed(RESPONSES, BODY, "bedrock-mantle", key.secretAccessKey(), authority()));
        assertThat(ok.status()).as(ok.json().toString()).isEqualTo(200);
        assertThat(ok.json().at("/output/0/content/0/text").asText()).isEqualTo("You said: hi");
    }

    @Test
    void aSignatureForBedrockRuntimeIsRefused() throws Exception {
        Reply r = send(RESPONSES, BODY, signed(RESPONSES, BODY, "bedrock", key.secretAccessKey(), authority()));

        assertOpenAiError(r, 401, "authentication_error", "Credential should be scoped to correct service: 'bedrock-mantle'");
    }

    @Test
    void aSignatureThatDoesNotMatchIsRefused() throws Exception {
        Reply r = send(RESPONSES, BODY, signed(RESPONSES, BODY, "bedrock-mantle", "not-the-secret", authority()));

        assertOpenAiError(r, 401, "authentication_error", "signature we calculated does not match");
    }

    @Test
    void aSignedBodyThatWasChangedIsRefused() throws Exception {
        Map<String, String> headers = signed(RESPONSES, BODY, "bedrock-mantle", key.secretAccessKey(), authority());

        Reply r = send(RESPONSES, BODY.replace("hi", "ho"), headers);

        assertOpenAiError(r, 401, "authentication_error", "signature we calculated does not match");
    }

    @Test
    void anUnsignedRequestIsRefused() throws Exception {
        Reply r = send(RESPONSES, BODY, Map.of());

        assertOpenAiError(r, 401, "authentication_error", "API key");
    }

    @Test
    void aSignatureMadeForAnotherHostIsRefused() throws Exception {
        // Signed for bedrock-mantle itself, then replayed at Quarry: the Host it covers is not the one it arrives with.
        Reply r = send(RESPONSES, BODY, signed(RESPONSES, BODY, "bedrock-mantle", key.secretAccessKey(), "bedrock-mantle.us-east-1.api.aws"));

        assertOpenAiError(r, 401, "authentication_error", "signature we calculated does not match");
    }

    @Test
    void aSignedModelListForAnotherServiceIsRefusedToo() throws Exception {
        Map<String, String> headers = signed("/openai/v1/models", null, "bedrock", key.secretAccessKey(), authority());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/openai/v1/models")).GET();
        headers.forEach(request::header);

        Reply r = reply(http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray()));

        assertOpenAiError(r, 401, "authentication_error", "'bedrock-mantle'");
    }

    @Test
    void aBedrockMantleSignatureIsRefusedOnTheBedrockRuntimeRoutes() throws Exception {
        String converse = "/model/quarry%2Fecho/converse";
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}]}";

        Reply r = send(converse, body, signed(converse, body, "bedrock-mantle", key.secretAccessKey(), authority()));

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.errorType()).isEqualTo("InvalidSignatureException");
        assertThat(r.json().path("message").asText()).contains("'bedrock'");
    }

    @Test
    void anUnknownPathUnderOpenAiV1IsAnOpenAiNotFound() throws Exception {
        Reply r = send("/openai/v1/no-such-endpoint", BODY, signed("/openai/v1/no-such-endpoint", BODY, "bedrock-mantle",
                key.secretAccessKey(), authority()));

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().at("/error/message").isTextual()).as(r.json().toString()).isTrue();
    }

    record Reply(int status, String errorType, JsonNode json) {}

    private static String authority() {
        URI base = URI.create(quarry.baseUrl());
        return base.getHost() + ":" + base.getPort();
    }

    /** The headers the AWS SDK's signer adds for a request to {@code path} on {@code host}; {@code body} null for a GET. */
    private static Map<String, String> signed(String path, String body, String service, String secret, String host) {
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(body == null ? SdkHttpMethod.GET : SdkHttpMethod.POST)
                .uri(URI.create("http://" + host + path));
        if (body != null) unsigned.putHeader("Content-Type", "application/json");
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest request = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(key.accessKeyId(), secret))
                .request(unsigned.build())
                .payload(ContentStreamProvider.fromByteArray(payload))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")).request();
        var headers = new HashMap<String, String>();
        // The client writes Host itself, from the address it sends to.
        request.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Type")) headers.put(name, String.join(",", values));
        });
        return headers;
    }

    private static Reply send(String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(request::header);
        return reply(http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray()));
    }

    private static Reply reply(HttpResponse<byte[]> response) throws Exception {
        return new Reply(response.statusCode(), response.headers().firstValue("X-Amzn-Errortype").orElse(null), JSON.readTree(response.body()));
    }

    private static void assertOpenAiError(Reply r, int status, String type, String message) {
        assertThat(r.status()).as(r.json().toString()).isEqualTo(status);
        assertThat(r.errorType()).as("not Bedrock's error shape").isNull();
        assertThat(r.json().at("/error/type").asText()).isEqualTo(type);
        assertThat(r.json().at("/error/message").asText()).contains(message);
    }
}
