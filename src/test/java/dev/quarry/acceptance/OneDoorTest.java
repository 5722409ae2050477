package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.audit.AuditEvent;
import dev.quarry.audit.AuditQueries;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.store.Database;
import dev.quarry.testing.Eventually;
import dev.quarry.testing.TestQuarry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every call comes through one governed door: listing models and counting tokens are authorized
 * (a Deny takes effect on every surface, audited with its statement), a model list shows only what
 * the caller may invoke, and a failure of the store mid-call is an audited 500 in the caller's own
 * error shape after which the server goes on serving.
 */
class OneDoorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ECHO = "quarry/echo";
    /** A model id without a slash, so that it fits {@code /v1/models/{id}}. */
    private static final String GPT = "gpt-5.5";
    private static final int MODEL_BODY_LIMIT = 48 * 1024;

    static TestQuarry quarry;

    @BeforeAll
    static void start() {
        // A model call's body limit small enough to exceed cheaply; the admin API's and ApplyGuardrail's are their own.
        quarry = TestQuarry.start("server: { max_body_bytes: " + MODEL_BODY_LIMIT + " }", Map.of());
        quarry.admin("PUT", "/admin/policies/NoListing", """
                {"Statement": [{"Sid": "NoList", "Effect": "Deny", "Action": "quarry:ListModels", "Resource": "*"}]}""").expect(200);
        quarry.admin("PUT", "/admin/policies/NoCounting", """
                {"Statement": [{"Sid": "NoCount", "Effect": "Deny", "Action": "quarry:CountTokens", "Resource": "model/quarry/echo"}]}""")
                .expect(200);
        quarry.admin("PUT", "/admin/policies/NoGpt", """
                {"Statement": [{"Sid": "NoGptForYou", "Effect": "Deny", "Action": "quarry:Invoke*", "Resource": "model/gpt-5.5"}]}""")
                .expect(200);
    }

    @AfterAll
    static void stop() {
        quarry.close();
    }

    @Test
    void aDenyOnListModelsHoldsOnEverySurfaceThatListsModels() {
        String key = keyUnder("no-lister", "NoListing");
        for (String path : List.of("/v1/models", "/v1/models/" + GPT)) {
            Reply openAi = send("GET", path, Map.of("Authorization", "Bearer " + key), null);
            assertThat(openAi.status()).as(openAi.body()).isEqualTo(403);
            assertThat(openAi.json().path("error").path("code").asText()).isEqualTo("permission_denied");
            assertThat(openAi.json().path("error").path("message").asText()).contains("statement 'NoList' of policy 'NoListing'");

            Reply anthropic = send("GET", path, Map.of("x-api-key", key, "anthropic-version", "2023-06-01"), null);
            assertThat(anthropic.status()).as(anthropic.body()).isEqualTo(403);
            assertThat(anthropic.json().path("type").asText()).isEqualTo("error");
            assertThat(anthropic.json().path("error").path("type").asText()).isEqualTo("permission_error");
        }
        List<AuditEvent> audited = audited("no-lister", 4);
        assertThat(audited).extracting(AuditEvent::action).containsOnly("quarry:ListModels");
        assertThat(audited).extracting(AuditEvent::resource).containsOnly("model/*", "model/" + GPT);
        assertThat(audited).extracting(AuditEvent::decision, AuditEvent::decidingPolicy).containsOnly(
                org.assertj.core.groups.Tuple.tuple("deny", "NoListing/NoList"));

        // A caller without the Deny lists under the built-in ModelAccess policy, audited as allowed by it.
        assertThat(send("GET", "/v1/models", Map.of("Authorization", "Bearer " + quarry.newKey("lister")), null).status()).isEqualTo(200);
        assertThat(audited("lister", 1)).extracting(AuditEvent::decision, AuditEvent::decidingPolicy)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("allow", "ModelAccess/ListModels"));
    }

    @Test
    void aDenyOnCountTokensHoldsForTheModelTheBodyNames() {
        String key = keyUnder("no-counter", "NoCounting");
        String body = "{\"model\": \"" + ECHO + "\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";
        Reply refused = send("POST", "/v1/messages/count_tokens", anthropicHeaders(key), body);
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().path("error").path("type").asText()).isEqualTo("permission_error");
        assertThat(refused.json().path("error").path("message").asText()).contains("statement 'NoCount' of policy 'NoCounting'");
        assertThat(audited("no-counter", 1)).extracting(AuditEvent::action, AuditEvent::resource, AuditEvent::decidingPolicy)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("quarry:CountTokens", "model/" + ECHO, "NoCounting/NoCount"));

        // Another model is still counted for the same caller.
        String other = first(quarry.newKey("peeker"), m -> !m.equals(ECHO));
        Reply counted = send("POST", "/v1/messages/count_tokens", anthropicHeaders(key),
                "{\"model\": \"" + other + "\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
        assertThat(counted.status()).as(counted.body()).isEqualTo(200);
        assertThat(counted.json().path("input_tokens").asInt()).isPositive();
    }

    @Test
    void aModelListShowsOnlyTheModelsTheCallerMayInvoke() {
        String everything = quarry.newKey("sees-all");
        String noGpt = keyUnder("sees-no-gpt", "NoGpt");
        List<String> all = ids(send("GET", "/v1/models", Map.of("Authorization", "Bearer " + everything), null).json());
        List<String> allButGpt = ids(send("GET", "/v1/models", Map.of("Authorization", "Bearer " + noGpt), null).json());
        assertThat(all).contains(GPT, ECHO);
        assertThat(allButGpt).doesNotContain(GPT).contains(ECHO).hasSize(all.size() - 1);

        List<String> anthropic = ids(send("GET", "/v1/models?limit=1000", Map.of("x-api-key", noGpt, "anthropic-version", "2023-06-01"), null)
                .json());
        assertThat(anthropic).containsExactlyInAnyOrderElementsOf(allButGpt);

        // One model it may not invoke is answered as the list shows it: not there.
        for (Map<String, String> headers : List.of(Map.of("Authorization", "Bearer " + noGpt), Map.of("x-api-key", noGpt, "anthropic-version", "2023-06-01"))) {
            Reply one = send("GET", "/v1/models/" + GPT, headers, null);
            assertThat(one.status()).as(one.body()).isEqualTo(404);
        }
        assertThat(send("GET", "/v1/models/" + GPT, Map.of("Authorization", "Bearer " + everything), null).status()).isEqualTo(200);
    }

    @Test
    void aDenyOnListingOneModelHidesItFromTheListAsItRefusesThatModel() {
        quarry.admin("PUT", "/admin/policies/HideGpt", """
                {"Statement": [{"Sid": "HideGpt", "Effect": "Deny", "Action": "quarry:ListModels", "Resource": "model/gpt-5.5"}]}""")
                .expect(200);
        String key = keyUnder("gpt-hidden", "HideGpt");
        assertThat(send("GET", "/v1/models/" + GPT, Map.of("Authorization", "Bearer " + key), null).status()).isEqualTo(403);
        List<String> openAi = ids(send("GET", "/v1/models", Map.of("Authorization", "Bearer " + key), null).json());
        List<String> anthropic = ids(send("GET", "/v1/models?limit=1000", Map.of("x-api-key", key, "anthropic-version", "2023-06-01"), null)
                .json());
        assertThat(openAi).contains(ECHO).doesNotContain(GPT);
        assertThat(anthropic).contains(ECHO).doesNotContain(GPT);
    }

    @Test
    void aStoreFailureDuringAChatCallIsAnAuditedInternalErrorInAnthropicsShape() throws Exception {
        // A key never used yet: authenticating it reads the store, whose key table is gone for now.
        String key = quarry.newKey("unlucky-chatter");
        String body = "{\"model\": \"" + ECHO + "\", \"max_tokens\": 16, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";
        Reply failed;
        try (TableGone gone = new TableGone("api_keys")) {
            failed = send("POST", "/v1/messages", anthropicHeaders(key), body);
        }
        assertThat(failed.status()).as(failed.body()).isEqualTo(500);
        assertThat(failed.json().path("type").asText()).isEqualTo("error");
        assertThat(failed.json().path("error").path("type").asText()).isEqualTo("api_error");
        assertThat(failed.json().path("error").path("message").asText()).contains(failed.requestId()).doesNotContainIgnoringCase("sql");
        AuditEvent event = auditedRequest(failed.requestId());
        assertThat(event).extracting(AuditEvent::decision, AuditEvent::errorCode, AuditEvent::action)
                .containsExactly("error", "INTERNAL", "quarry:InvokeModel");

        Reply next = send("POST", "/v1/messages", anthropicHeaders(key), body);
        assertThat(next.status()).as(next.body()).isEqualTo(200);
    }

    @Test
    void aStoreFailureDuringAnAdminCallIsAnAuditedInternalErrorInTheAdminApisShape() throws Exception {
        Reply failed;
        try (TableGone gone = new TableGone("commitments")) {
            failed = send("GET", "/admin/commitments", Map.of("Authorization", "Bearer " + quarry.adminKey()), null);
        }
        assertThat(failed.status()).as(failed.body()).isEqualTo(500);
        assertThat(failed.json().path("error").path("code").asText()).isEqualTo("internal_error");
        assertThat(failed.json().path("error").path("message").asText()).contains(failed.requestId());
        AuditEvent event = auditedRequest(failed.requestId());
        assertThat(event).extracting(AuditEvent::principalName, AuditEvent::action, AuditEvent::resource, AuditEvent::decision,
                AuditEvent::errorCode).containsExactly("admin", "quarry:ListCommitments", "commitment/*", "error", "INTERNAL");

        quarry.admin("GET", "/admin/commitments", null).expect(200);
    }

    @Test
    void anAdminCallWithABodyOverTheLimitIsRefusedAndAuditedUnderItsRequestId() {
        String big = "{\"name\": \"" + "x".repeat(70 * 1024) + "\"}";
        Reply create = send("POST", "/admin/principals", Map.of("Authorization", "Bearer " + quarry.adminKey()), big);
        assertThat(create.status()).as(create.body()).isEqualTo(413);
        assertThat(auditedRequest(create.requestId())).extracting(AuditEvent::principalName, AuditEvent::action, AuditEvent::resource,
                AuditEvent::decision, AuditEvent::errorCode)
                .containsExactly("admin", "quarry:CreatePrincipal", "principal/*", "error", "PAYLOAD_TOO_LARGE");

        Reply put = send("PUT", "/admin/policies/Huge", Map.of("Authorization", "Bearer " + quarry.adminKey()), big);
        assertThat(put.status()).as(put.body()).isEqualTo(413);
        assertThat(auditedRequest(put.requestId())).extracting(AuditEvent::action, AuditEvent::resource, AuditEvent::errorCode)
                .containsExactly("quarry:PutPolicy", "policy/Huge", "PAYLOAD_TOO_LARGE");
    }

    @Test
    void aSignedApplyGuardrailWhoseBodyCannotBeReadIsAuditedAsAFailedAuthentication() {
        // The signature covers the body, so a body over the limit leaves nothing to verify: no one is authenticated.
        String big = "{\"source\": \"INPUT\", \"content\": [{\"text\": {\"text\": \"" + "x".repeat(1100 * 1024) + "\"}}]}";
        Reply refused = send("POST", "/guardrail/some-guardrail/version/1/apply", Map.of("Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=00"), big);
        // Bedrock answers a body over the limit as a ValidationException (400).
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.body()).contains("larger than");
        assertThat(auditedRequest(refused.requestId())).extracting(AuditEvent::principalId, AuditEvent::action, AuditEvent::resource,
                AuditEvent::errorCode).containsExactly(null, "quarry:ApplyGuardrail", "guardrail/some-guardrail", "PAYLOAD_TOO_LARGE");
    }

    @Test
    void aModelCallWithABodyOverTheLimitIsRefusedAndAuditedUnderItsRequestId() {
        String big = "{\"model\": \"" + ECHO + "\", \"messages\": [{\"role\": \"user\", \"content\": \"" + "x".repeat(MODEL_BODY_LIMIT)
                + "\"}]}";
        Reply keyed = send("POST", "/v1/chat/completions", Map.of("Authorization", "Bearer " + quarry.newKey("big-sender")), big);
        assertThat(keyed.status()).as(keyed.body()).isEqualTo(413);
        assertThat(auditedRequest(keyed.requestId())).extracting(AuditEvent::principalName, AuditEvent::action, AuditEvent::errorCode)
                .containsExactly("big-sender", "quarry:InvokeModel", "PAYLOAD_TOO_LARGE");

        Reply signed = send("POST", "/model/" + ECHO.replace("/", "%2F") + "/converse", Map.of("Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=00"), big);
        assertThat(signed.status()).as(signed.body()).isEqualTo(400);
        assertThat(auditedRequest(signed.requestId())).extracting(AuditEvent::principalId, AuditEvent::errorCode)
                .containsExactly(null, "PAYLOAD_TOO_LARGE");
    }

    /** Renames a table away while open, as a store that fails every query on it; restores it on close. */
    private static final class TableGone implements AutoCloseable {
        private final String table;

        TableGone(String table) throws SQLException {
            this.table = table;
            execute("ALTER TABLE " + table + " RENAME TO " + table + "_away");
        }

        @Override
        public void close() throws SQLException {
            execute("ALTER TABLE " + table + "_away RENAME TO " + table);
        }

        private static void execute(String sql) throws SQLException {
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + quarry.dataDir().resolve("quarry.db"));
                 Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = 5000");
                s.execute(sql);
            }
        }
    }

    private static String keyUnder(String principal, String policy) {
        String key = quarry.quarry().identities().createKey(principal, PrincipalKind.USER).apiKey();
        quarry.admin("POST", "/admin/policies/" + policy + "/attachments", "{\"target_type\": \"principal\", \"target_name\": \"" + principal + "\"}")
                .expect(200);
        return key;
    }

    private static String first(String key, java.util.function.Predicate<String> which) {
        return ids(send("GET", "/v1/models", Map.of("Authorization", "Bearer " + key), null).json()).stream()
                .filter(which).filter(id -> !id.contains("minilm")).findFirst().orElseThrow();
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.path("data").forEach(m -> ids.add(m.path("id").asText()));
        return ids;
    }

    private static Map<String, String> anthropicHeaders(String key) {
        return Map.of("x-api-key", key, "anthropic-version", "2023-06-01", "Content-Type", "application/json");
    }

    /** The principal's latest {@code count} audit events, once that many are written. */
    private static List<AuditEvent> audited(String principal, int count) {
        try (Database db = Database.sqliteIn(quarry.dataDir())) {
            return Eventually.theOne(() -> {
                List<AuditEvent> found = new AuditQueries(db).find(principal, null, null, null, null, 50);
                return found.size() >= count ? List.of(found) : List.<List<AuditEvent>>of();
            });
        }
    }

    private static AuditEvent auditedRequest(String requestId) {
        try (Database db = Database.sqliteIn(quarry.dataDir())) {
            return Eventually.theOne(() -> new AuditQueries(db).find(null, null, null, null, null, 200).stream()
                    .filter(e -> requestId.equals(e.requestId())).toList());
        }
    }

    private record Reply(int status, String body, String requestId) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError(body, e);
            }
        }
    }

    private static Reply send(String method, String path, Map<String, String> headers, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        // A body the server refuses unread: sent only once asked for, as curl does, so the refusal is not cut off by a reset.
        if (body != null && body.length() > 32 * 1024) request.expectContinue(true);
        if (body != null && !headers.containsKey("Content-Type")) request.header("Content-Type", "application/json");
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response.headers().firstValue("X-Request-Id").orElse(null));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
