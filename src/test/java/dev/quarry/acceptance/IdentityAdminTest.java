package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.testing.TestQuarry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.BedrockRuntimeException;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.Message;

/**
 * The identity admin API over HTTP against a running Quarry: principals, tags, groups, key
 * rotation and revocation, and assumed roles used through bearer keys and the AWS SDK's
 * Bedrock Runtime client with session credentials.
 */
class IdentityAdminTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static TestQuarry quarry;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start();
    }

    @AfterAll
    static void stop() {
        quarry.close();
    }

    @Test
    void principalsAreCreatedTaggedAndGroupedAndOnlyAdminsMayDoIt() {
        JsonNode ana = call("POST", "/admin/principals", admin(), """
                {"name": "ana", "kind": "service", "tags": {"team": "search"}}""", 201);
        assertThat(ana.path("kind").asText()).isEqualTo("service");
        assertThat(ana.path("tags").path("team").asText()).isEqualTo("search");

        JsonNode tagged = call("PUT", "/admin/principals/ana/tags", admin(), """
                {"tags": {"cost-center": "42"}, "remove": ["team"]}""", 200);
        assertThat(tagged.path("tags").toString()).isEqualTo("{\"cost-center\":\"42\"}");

        call("POST", "/admin/groups", admin(), "{\"name\": \"search\"}", 201);
        assertThat(call("PUT", "/admin/groups/search/members/ana", admin(), null, 200).path("members").toString()).isEqualTo("[\"ana\"]");
        assertThat(call("GET", "/admin/principals/ana", admin(), null, 200).path("groups").toString()).contains("\"search\"", "\"users\"");

        String anaKey = call("POST", "/admin/principals/ana/keys", admin(), null, 201).path("api_key").asText();
        JsonNode refused = call("POST", "/admin/principals", anaKey, "{\"name\": \"mallory\"}", 403);
        assertThat(refused.path("error").path("type").asText()).isEqualTo("permission_error");
        assertThat(refused.path("error").path("message").asText()).contains("quarry:CreatePrincipal");

        JsonNode duplicate = call("POST", "/admin/principals", admin(), "{\"name\": \"ana\"}", 400);
        assertThat(duplicate.path("error").path("message").asText()).contains("already exists");
        call("DELETE", "/admin/groups/search", admin(), null, 204);
        call("DELETE", "/admin/principals/ana", admin(), null, 204);
        assertThat(call("GET", "/admin/principals/ana", admin(), null, 404).path("error").path("code").asText()).isEqualTo("not_found");
    }

    @Test
    void anOperatorMintsAKeyForANewUserAndUsersCannot() {
        JsonNode issued = call("POST", "/admin/keys", admin(), "{\"name\":\"newcomer\"}", 201);
        assertThat(issued.path("api_key").asText()).startsWith("qk-");
        assertThat(issued.path("access_key_id").asText()).startsWith("QKIA");
        // The new user may call models (group 'users'), but may not mint keys.
        call("GET", "/v1/models", issued.path("api_key").asText(), null, 200);
        JsonNode refused = call("POST", "/admin/keys", issued.path("api_key").asText(), "{\"name\":\"newcomer\"}", 403);
        assertThat(refused.at("/error/message").asText()).contains("quarry:CreateKey");
    }

    @Test
    void twoKeysLiveTogetherForRotationAndDisabledOrDeletedKeysStopWorking() throws InterruptedException {
        call("POST", "/admin/principals", admin(), "{\"name\": \"rotor\"}", 201);
        JsonNode first = call("POST", "/admin/principals/rotor/keys", admin(), null, 201);
        JsonNode second = call("POST", "/admin/principals/rotor/keys", admin(), "{\"description\": \"next\"}", 201);
        chat(first.path("api_key").asText(), 200);
        chat(second.path("api_key").asText(), 200);
        JsonNode keys = call("GET", "/admin/principals/rotor/keys", admin(), null, 200).path("keys");
        assertThat(keys).hasSize(2);
        assertThat(keys.get(1).path("description").asText()).isEqualTo("next");
        assertThat(keys.get(0).path("api_key").isMissingNode()).as("listings never show secrets").isTrue();

        String firstId = first.path("key_id").asText();
        call("POST", "/admin/keys/" + firstId + "/disable", admin(), null, 200);
        assertThat(chat(first.path("api_key").asText(), 401).path("error").path("message").asText()).contains("was disabled");
        chat(second.path("api_key").asText(), 200);
        call("POST", "/admin/keys/" + firstId + "/enable", admin(), null, 200);
        chat(first.path("api_key").asText(), 200);

        call("DELETE", "/admin/keys/" + firstId, admin(), null, 204);
        assertThat(chat(first.path("api_key").asText(), 401).path("error").path("message").asText()).contains("was deleted");

        // Deleted straight in the store, as the CLI does from another process: no call tells this server.
        quarry.quarry().identities().keys().delete(second.path("key_id").asText());
        Thread.sleep(1_000);
        assertThat(chat(second.path("api_key").asText(), 401).path("error").path("message").asText()).contains("was deleted");
    }

    @Test
    void anAssumedRoleActsThroughBearerAndSigV4WithItsSessionToken() {
        call("POST", "/admin/principals", admin(), "{\"name\": \"analyst\"}", 201);
        call("POST", "/admin/principals", admin(), "{\"name\": \"outsider\"}", 201);
        call("POST", "/admin/roles", admin(), "{\"name\": \"reader\", \"trust\": [\"analyst\", \"outsider\"]}", 201);
        call("POST", "/admin/policies/ModelAccess/attachments", admin(), "{\"target_type\": \"principal\", \"target_name\": \"reader\"}", 200);
        call("PUT", "/admin/policies/AssumeReader", admin(), """
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "quarry:AssumeRole", "Resource": "role/reader"}]}""", 200);
        call("POST", "/admin/policies/AssumeReader/attachments", admin(), "{\"target_type\": \"principal\", \"target_name\": \"analyst\"}", 200);
        String analystKey = call("POST", "/admin/principals/analyst/keys", admin(), null, 201).path("api_key").asText();
        String outsiderKey = call("POST", "/admin/principals/outsider/keys", admin(), null, 201).path("api_key").asText();

        JsonNode session = call("POST", "/sts/assume-role", analystKey, "{\"role\": \"reader\", \"duration_seconds\": 900}", 200);
        assertThat(session.path("role").asText()).isEqualTo("reader");
        assertThat(session.path("session_token").asText()).startsWith("qst-");
        assertThat(Duration.between(java.time.Instant.now(), java.time.Instant.parse(session.path("expiration").asText())))
                .isBetween(Duration.ofSeconds(880), Duration.ofSeconds(900));

        chat(session.path("api_key").asText(), 200);
        AwsCredentials withToken = AwsSessionCredentials.create(session.path("access_key_id").asText(),
                session.path("secret_access_key").asText(), session.path("session_token").asText());
        try (BedrockRuntimeClient client = bedrock(withToken)) {
            assertThat(client.converse(r -> r.modelId("quarry/echo").messages(hello())).output().message().content().getFirst().text())
                    .isEqualTo("You said: Hello");
        }
        AwsCredentials withoutToken = AwsBasicCredentials.create(session.path("access_key_id").asText(), session.path("secret_access_key").asText());
        try (BedrockRuntimeClient client = bedrock(withoutToken)) {
            assertThatThrownBy(() -> client.converse(r -> r.modelId("quarry/echo").messages(hello())))
                    .isInstanceOfSatisfying(BedrockRuntimeException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorMessage()).contains("X-Amz-Security-Token");
                    });
        }

        assertThat(call("POST", "/sts/assume-role", outsiderKey, "{\"role\": \"reader\"}", 403).path("error").path("message").asText())
                .as("trusted by the role, but no policy allows it").contains("quarry:AssumeRole");
        assertThat(call("POST", "/sts/assume-role", analystKey, "{\"role\": \"reader\", \"duration_seconds\": 60}", 400)
                .path("error").path("message").asText()).contains("between 900 and 43200");
    }

    private static Message hello() {
        return Message.builder().role("user").content(ContentBlock.fromText("Hello")).build();
    }

    private static BedrockRuntimeClient bedrock(AwsCredentials credentials) {
        return BedrockRuntimeClient.builder().endpointOverride(URI.create(quarry.baseUrl())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    private static JsonNode chat(String apiKey, int status) {
        return call("POST", "/v1/chat/completions", apiKey, """
                {"model": "quarry/echo", "messages": [{"role": "user", "content": "hi"}]}""", status);
    }

    private static String admin() {
        return quarry.adminKey();
    }

    /** One JSON call, asserting its status; the reply body as JSON (an empty object for none). */
    private static JsonNode call(String method, String path, String apiKey, String body, int status) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + path)).header("Authorization", "Bearer " + apiKey);
        if (body != null) request.header("Content-Type", "application/json");
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(status);
            return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
