package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.quarry.audit.AuditEvent;
import dev.quarry.audit.AuditQueries;
import dev.quarry.identity.IssuedKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.store.Database;
import dev.quarry.testing.Eventually;
import dev.quarry.testing.TestQuarry;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.BedrockRuntimeException;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.Message;

/**
 * Policies enforced on every surface through the official clients, and managed through the admin
 * API: a refusal is a 403 in the surface's own shape naming the statement that decided it.
 */
class PolicyEnforcementTest {
    private static final String NO_ECHO = """
            {"Version": "2012-10-17", "Statement": [
              {"Sid": "NoEchoForYou", "Effect": "Deny", "Action": "quarry:Invoke*", "Resource": "model/quarry/echo"}]}""";

    static TestQuarry quarry;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start();
        quarry.admin("PUT", "/admin/policies/NoEcho", NO_ECHO).expect(200);
    }

    @AfterAll
    static void stop() {
        quarry.close();
    }

    @Test
    void anExplicitDenyWinsOverModelAccessForAnOpenAiBearerKey() {
        String allowed = quarry.newKey("openai-allowed");
        assertThat(chatAs(allowed, null).choices()).hasSize(1);

        String denied = userDeniedEcho("openai-denied").apiKey();
        assertThatThrownBy(() -> chatAs(denied, null))
                .isInstanceOfSatisfying(com.openai.errors.PermissionDeniedException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("denied by statement 'NoEchoForYou' of policy 'NoEcho'");
                });

        // The audit trail records which statement decided, both ways.
        assertThat(auditedCallOf("openai-denied")).extracting(AuditEvent::decision, AuditEvent::decidingPolicy, AuditEvent::errorCode)
                .containsExactly("deny", "NoEcho/NoEchoForYou", "PERMISSION_DENIED");
        assertThat(auditedCallOf("openai-allowed")).extracting(AuditEvent::decision, AuditEvent::decidingPolicy)
                .containsExactly("allow", "ModelAccess/InvokeModels");
    }

    @Test
    void anAnthropicKeyIsRefusedInAnthropicsShape() {
        String denied = userDeniedEcho("anthropic-denied").apiKey();
        AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl(quarry.baseUrl()).apiKey(denied).maxRetries(0).build();
        try {
            assertThatThrownBy(() -> client.messages().create(MessageCreateParams.builder().model("quarry/echo").maxTokens(64)
                    .addUserMessage("Hello").build()))
                    .isInstanceOfSatisfying(com.anthropic.errors.PermissionDeniedException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.getMessage()).contains("statement 'NoEchoForYou' of policy 'NoEcho'");
                    });
        } finally {
            client.close();
        }
    }

    @Test
    void aSigV4CallerIsRefusedAsAccessDeniedAndItsRegionCanBeTested() {
        IssuedKey denied = userDeniedEcho("bedrock-denied");
        assertBedrockRefused(denied, Region.EU_WEST_3, "statement 'NoEchoForYou' of policy 'NoEcho'");

        IssuedKey usOnly = quarry.quarry().identities().createKey("bedrock-us-only", PrincipalKind.USER);
        quarry.admin("PUT", "/admin/policies/UsOnly", """
                {"Statement": [{"Sid": "StayInUs", "Effect": "Deny", "Action": "quarry:*", "Resource": "*",
                  "Condition": {"StringNotEquals": {"quarry:RequestedRegion": "us-east-1"}}}]}""").expect(200);
        attach("UsOnly", "bedrock-us-only");
        assertThat(converse(bedrock(usOnly, Region.US_EAST_1)).output().message().content()).isNotEmpty();
        assertBedrockRefused(usOnly, Region.EU_WEST_3, "statement 'StayInUs' of policy 'UsOnly'");
    }

    /** A residency condition on the signed region cannot be met by a region that does not exist. */
    @Test
    void aMadeUpRegionCannotMeetARegionCondition() {
        IssuedKey euOnly = quarry.quarry().identities().createKey("bedrock-eu-only", PrincipalKind.USER);
        quarry.admin("PUT", "/admin/policies/EuOnly", """
                {"Statement": [{"Sid": "StayInEu", "Effect": "Deny", "Action": "quarry:*", "Resource": "*",
                  "Condition": {"StringNotLike": {"quarry:RequestedRegion": "eu-*"}}}]}""").expect(200);
        attach("EuOnly", "bedrock-eu-only");
        assertThat(converse(bedrock(euOnly, Region.EU_WEST_3)).output().message().content()).isNotEmpty();

        assertThatThrownBy(() -> converse(bedrock(euOnly, Region.of("eu-anything-i-like"))))
                .isInstanceOfSatisfying(BedrockRuntimeException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorMessage()).contains("Credential should be scoped to a valid region.");
                });
    }

    @Test
    void aMaxTokensConditionIsEnforcedPerRequest() {
        String key = quarry.newKey("capped");
        quarry.admin("PUT", "/admin/policies/Cap", """
                {"Statement": [{"Sid": "CapTokens", "Effect": "Deny", "Action": "quarry:InvokeModel*", "Resource": "model/*",
                  "Condition": {"NumericGreaterThan": {"quarry:MaxTokens": "100"}}}]}""").expect(200);
        attach("Cap", "capped");

        assertThat(chatAs(key, 50L).choices()).hasSize(1);
        assertThatThrownBy(() -> chatAs(key, 500L))
                .isInstanceOfSatisfying(com.openai.errors.PermissionDeniedException.class,
                        e -> assertThat(e.getMessage()).contains("statement 'CapTokens' of policy 'Cap'"));
    }

    @Test
    void aSourceIpConditionIsTestedAgainstTheCallersAddress() {
        String fromLoopback = quarry.newKey("loopback-blocked");
        String fromLan = quarry.newKey("lan-blocked");
        quarry.admin("PUT", "/admin/policies/BlockLoopback", blockFrom("127.0.0.0/8")).expect(200);
        quarry.admin("PUT", "/admin/policies/BlockLan", blockFrom("10.0.0.0/8")).expect(200);
        attach("BlockLoopback", "loopback-blocked");
        attach("BlockLan", "lan-blocked");

        assertThat(chatAs(fromLan, null).choices()).hasSize(1);
        assertThatThrownBy(() -> chatAs(fromLoopback, null))
                .isInstanceOfSatisfying(com.openai.errors.PermissionDeniedException.class,
                        e -> assertThat(e.getMessage()).contains("statement 'FromThere' of policy 'BlockLoopback'"));
    }

    @Test
    void theSimulatorExplainsADecisionWithTheGivenContext() {
        quarry.newKey("simulated");
        attach("NoEcho", "simulated");

        JsonNode echo = quarry.admin("POST", "/admin/policies/simulate", """
                {"principal": "simulated", "action": "quarry:InvokeModel", "resource": "model/quarry/echo"}""").expect(200);
        assertThat(echo.path("allowed").asBoolean()).isFalse();
        assertThat(echo.path("reason").asText()).isEqualTo("EXPLICIT_DENY");
        assertThat(echo.path("decided_by").asText()).isEqualTo("NoEcho/NoEchoForYou");
        assertThat(echo.path("explanation").asText()).contains("denied by statement 'NoEchoForYou' of policy 'NoEcho'");

        JsonNode other = quarry.admin("POST", "/admin/policies/simulate", """
                {"principal": "simulated", "action": "quarry:InvokeModel", "resource": "model/gpt-5.5",
                 "context": {"quarry:SourceIp": "10.1.2.3"}}""").expect(200);
        assertThat(other.path("allowed").asBoolean()).isTrue();
        assertThat(other.path("decided_by").asText()).isEqualTo("ModelAccess/InvokeModels");

        assertThat(quarry.admin("POST", "/admin/policies/simulate", """
                {"principal": "simulated", "action": "quarry:InvokeModle", "resource": "model/x"}""").expect(400)
                .path("error").path("param").asText()).isEqualTo("action");
        assertThat(quarry.admin("POST", "/admin/policies/simulate", """
                {"principal": "nobody", "action": "quarry:InvokeModel", "resource": "model/x"}""").expect(404)
                .path("error").path("message").asText()).contains("no principal named 'nobody'");
    }

    @Test
    void policiesAreManagedThroughTheAdminApi() {
        quarry.newKey("managed");
        quarry.admin("PUT", "/admin/policies/Managed", NO_ECHO).expect(200);
        assertThat(quarry.admin("GET", "/admin/policies/Managed", null).expect(200).path("document").path("Statement").get(0).path("Sid").asText())
                .isEqualTo("NoEchoForYou");
        assertThat(quarry.admin("GET", "/admin/policies", null).expect(200).path("policies").toString())
                .contains("\"AdministratorAccess\"", "\"ModelAccess\"", "\"Managed\"");

        attach("Managed", "managed");
        assertThat(quarry.admin("DELETE", "/admin/policies/Managed", null).expect(400).path("error").path("message").asText())
                .contains("detach it first");
        quarry.admin("DELETE", "/admin/policies/Managed/attachments", "{\"target_type\": \"principal\", \"target_name\": \"managed\"}").expect(204);
        quarry.admin("DELETE", "/admin/policies/Managed", null).expect(204);
        quarry.admin("GET", "/admin/policies/Managed", null).expect(404);

        quarry.admin("PUT", "/admin/principals/managed/boundary", "{\"policy\": \"NoEcho\"}").expect(200);
        JsonNode bounded = quarry.admin("POST", "/admin/policies/simulate", """
                {"principal": "managed", "action": "quarry:InvokeModel", "resource": "model/gpt-5.5"}""").expect(200);
        assertThat(bounded.path("reason").asText()).isEqualTo("OUTSIDE_BOUNDARY");

        String user = quarry.newKey("not-an-admin");
        assertThat(quarry.call("PUT", "/admin/policies/Sneaky", user, NO_ECHO).expect(403).path("error").path("message").asText())
                .contains("quarry:PutPolicy on policy/Sneaky is denied");
    }

    @Test
    void aPrincipalCannotGrantItselfPermissionsItDoesNotHold() {
        String delegate = quarry.newKey("delegate");
        quarry.admin("PUT", "/admin/policies/PolicyWriter", """
                {"Statement": [{"Sid": "WritePolicies", "Effect": "Allow",
                  "Action": ["quarry:PutPolicy", "quarry:AttachPolicy"], "Resource": "*"}]}""").expect(200);
        attach("PolicyWriter", "delegate");

        String everything = "{\"Statement\": [{\"Sid\": \"All\", \"Effect\": \"Allow\", \"Action\": \"quarry:*\", \"Resource\": \"*\"}]}";
        assertThat(quarry.call("PUT", "/admin/policies/MyWay", delegate, everything).expect(403).path("error").path("message").asText())
                .contains("cannot grant permissions you do not hold", "quarry:CreatePrincipal");
        assertThat(quarry.call("POST", "/admin/policies/AdministratorAccess/attachments", delegate,
                "{\"target_type\": \"principal\", \"target_name\": \"delegate\"}").expect(403).path("error").path("message").asText())
                .contains("cannot grant permissions you do not hold");
        quarry.admin("GET", "/admin/policies/MyWay", null).expect(404);

        // Within what it holds, the delegate may write and attach.
        quarry.call("PUT", "/admin/policies/DelegatedWriter", delegate, """
                {"Statement": [{"Effect": "Allow", "Action": "quarry:PutPolicy", "Resource": "policy/team-*"}]}""").expect(200);
        quarry.call("POST", "/admin/policies/NoEcho/attachments", delegate, "{\"target_type\": \"principal\", \"target_name\": \"delegate\"}").expect(200);
    }

    @Test
    void badPolicyDocumentsAreRefusedNamingThePlace() {
        assertThat(quarry.admin("PUT", "/admin/policies/Broken", "{\"Statement\": ").expect(400).path("error").path("message").asText())
                .isNotBlank();
        JsonNode unknownAction = quarry.admin("PUT", "/admin/policies/Typo", """
                {"Statement": [{"Effect": "Allow", "Action": "quarry:InvokeModle", "Resource": "*"}]}""").expect(400).path("error");
        assertThat(unknownAction.path("param").asText()).isEqualTo("Statement[0].Action[0]");
        assertThat(unknownAction.path("message").asText()).contains("'quarry:InvokeModle' names no known action");
        JsonNode badCondition = quarry.admin("PUT", "/admin/policies/Typo", """
                {"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*",
                  "Condition": {"IpAddress": {"quarry:SourceIp": "10.0.0.0/33"}}}]}""").expect(400).path("error");
        assertThat(badCondition.path("param").asText()).isEqualTo("Statement[0].Condition.IpAddress.quarry:SourceIp[0]");

        String oversized = "{\"Statement\": [" + ("{\"Effect\": \"Allow\", \"Action\": \"quarry:InvokeModel\", \"Resource\": \"model/"
                + "x".repeat(100) + "\"},").repeat(200) + "{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}";
        assertThat(quarry.admin("PUT", "/admin/policies/Huge", oversized).expect(400).path("error").path("message").asText())
                .contains("larger than 16384 bytes");
        quarry.admin("GET", "/admin/policies/Typo", null).expect(404);
    }

    /** A principal's one audited call, waiting briefly: the trail is written behind the request. */
    private static AuditEvent auditedCallOf(String principal) {
        try (Database db = Database.sqliteIn(quarry.dataDir())) {
            return Eventually.theOne(() -> new AuditQueries(db).find(principal, null, null, null, null, 10));
        }
    }

    private static IssuedKey userDeniedEcho(String name) {
        IssuedKey key = quarry.quarry().identities().createKey(name, PrincipalKind.USER);
        attach("NoEcho", name);
        return key;
    }

    private static String blockFrom(String cidr) {
        return """
                {"Statement": [{"Sid": "FromThere", "Effect": "Deny", "Action": "quarry:*", "Resource": "*",
                  "Condition": {"IpAddress": {"quarry:SourceIp": "%s"}}}]}""".formatted(cidr);
    }

    private static void attach(String policy, String principal) {
        quarry.admin("POST", "/admin/policies/" + policy + "/attachments",
                "{\"target_type\": \"principal\", \"target_name\": \"" + principal + "\"}").expect(200);
    }

    /** A chat completion through the OpenAI SDK with a bearer key, asking for at most {@code maxTokens} when given. */
    private static ChatCompletion chatAs(String key, Long maxTokens) {
        var params = ChatCompletionCreateParams.builder().model("quarry/echo").addUserMessage("Hello");
        if (maxTokens != null) params.maxCompletionTokens(maxTokens);
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(quarry.baseUrl() + "/v1").apiKey(key).maxRetries(0).build();
        try {
            return client.chat().completions().create(params.build());
        } finally {
            client.close();
        }
    }

    private static BedrockRuntimeClient bedrock(IssuedKey key, Region region) {
        return BedrockRuntimeClient.builder().endpointOverride(URI.create(quarry.baseUrl())).region(region)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey())))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    private static software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse converse(BedrockRuntimeClient client) {
        try (client) {
            return client.converse(r -> r.modelId("quarry/echo").messages(Message.builder().role("user").content(ContentBlock.fromText("Hello")).build()));
        }
    }

    private static void assertBedrockRefused(IssuedKey key, Region region, String message) {
        assertThatThrownBy(() -> converse(bedrock(key, region))).isInstanceOfSatisfying(BedrockRuntimeException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
            assertThat(e.awsErrorDetails().errorMessage()).contains(message);
        });
    }
}
