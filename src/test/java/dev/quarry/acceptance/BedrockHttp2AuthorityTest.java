package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.identity.IssuedKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.testing.BedrockH2c;
import dev.quarry.testing.RawH2c;
import dev.quarry.testing.TestQuarry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SigV4 over HTTP/2 as the AWS SDK for JavaScript v3 sends it to an {@code http://} endpoint:
 * h2c with prior knowledge, no {@code host} header, and {@code :authority} among the signed headers.
 */
class BedrockHttp2AuthorityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/model/quarry%2Fecho/converse";
    private static final byte[] BODY = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi over h2\"}]}]}".getBytes(StandardCharsets.UTF_8);
    private static final int PROTOCOL_ERROR = 0x1;

    static TestQuarry quarry;
    static IssuedKey key;
    static int port;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start();
        key = quarry.quarry().identities().createKey("h2-user", PrincipalKind.USER);
        port = URI.create(quarry.baseUrl()).getPort();
    }

    @AfterAll
    static void stop() {
        quarry.close();
    }

    @Test
    void converseSignedOverTheAuthorityWithoutAHostIsServed() throws Exception {
        String authority = "127.0.0.1:" + port;
        Map<String, String> signed = sign(Map.of(":authority", authority, "content-type", "application/json"));
        assertThat(signed.get("Authorization")).contains("SignedHeaders=:authority;content-type;x-amz-date,");

        RawH2c.Response response = RawH2c.send(port, block(authority, null, signed), BODY);

        assertThat(response.status()).as(response.bodyText()).isEqualTo(200);
        assertThat(read(response).at("/output/message/content/0/text").asText()).isEqualTo("You said: Hi over h2");
    }

    @Test
    void aSignatureForOneAuthorityReplayedAtAnotherIsRefused() throws Exception {
        Map<String, String> signed = sign(Map.of(":authority", "127.0.0.1:" + port, "content-type", "application/json"));

        RawH2c.Response response = RawH2c.send(port, block("localhost:" + port, null, signed), BODY);

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.headers()).containsEntry("x-amzn-errortype", "InvalidSignatureException");
        assertThat(read(response).path("message").asText()).contains("does not match");
    }

    @Test
    void aSignatureThatPinsNoAuthorityIsRefusedInBedrocksShape() throws Exception {
        // Quarry's signer will not sign without an authority, so its header list is cut back: the
        // list is checked before the signature is.
        Map<String, String> signed = sign(Map.of(":authority", "127.0.0.1:" + port, "content-type", "application/json"));
        signed.put("Authorization", signed.get("Authorization").replace("SignedHeaders=:authority;", "SignedHeaders="));

        RawH2c.Response response = RawH2c.send(port, block("127.0.0.1:" + port, null, signed), BODY);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.headers()).containsEntry("x-amzn-errortype", "IncompleteSignatureException");
        JsonNode error = read(response);
        assertThat(error.size()).as("restJson1 error bodies hold only the message").isEqualTo(1);
        assertThat(error.path("message").asText()).isEqualTo("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    }

    /** HTTP/1.1 has no :authority: a signature over one names a header the request cannot carry, and says so. */
    @Test
    void anAuthoritySignedOverHttp11IsRefusedInBedrocksShape() throws Exception {
        Map<String, String> signed = sign(Map.of(":authority", "127.0.0.1:" + port, "content-type", "application/json"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + PATH)).version(HttpClient.Version.HTTP_1_1)
                .header("Content-Type", "application/json").header("X-Amz-Date", signed.get("X-Amz-Date"))
                .header("Authorization", signed.get("Authorization")).POST(HttpRequest.BodyPublishers.ofByteArray(BODY)).build();

        HttpResponse<byte[]> response;
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        }

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("X-Amzn-ErrorType")).contains("IncompleteSignatureException");
        assertThat(JSON.readTree(response.body()).path("message").asText()).isEqualTo("Signed header ':authority' is missing from the request.");
    }

    /**
     * Helidon refuses a request whose Host and :authority disagree at the HTTP/2 layer (RFC 9113
     * §8.3.1), with PROTOCOL_ERROR and before any route runs, so no Bedrock-shaped answer can be
     * given; what matters is that the request is not served under either name.
     */
    @Test
    void aHostThatDisagreesWithTheAuthorityIsNotServed() throws Exception {
        String authority = "127.0.0.1:" + port;
        Map<String, String> signed = sign(Map.of(":authority", authority, "content-type", "application/json"));

        RawH2c.Response response = RawH2c.send(port, block(authority, "elsewhere.example:" + port, signed), BODY);

        assertThat(response.status()).isNotEqualTo(200);
        assertThat(List.of(response.resetCode(), response.goAwayCode())).contains(PROTOCOL_ERROR);
    }

    private static Map<String, String> sign(Map<String, String> headers) {
        return BedrockH2c.sign(key, PATH, headers, BODY);
    }

    private static List<Map.Entry<String, String>> block(String authority, String host, Map<String, String> headers) {
        return BedrockH2c.block(PATH, authority, host, headers);
    }

    private static JsonNode read(RawH2c.Response response) throws Exception {
        return JSON.readTree(response.body());
    }
}
