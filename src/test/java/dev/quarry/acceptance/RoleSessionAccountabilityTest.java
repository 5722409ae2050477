package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.audit.AuditEvent;
import dev.quarry.audit.AuditQueries;
import dev.quarry.metering.UsageRecord;
import dev.quarry.store.Database;
import dev.quarry.testing.Eventually;
import dev.quarry.testing.StoreTargets;
import dev.quarry.testing.TestQuarry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A role session answers for the user who assumed it: calls through it name that user in the
 * ledger and the audit trail, the user's budget holds through the role, and deleting the user
 * ends the session at once. On SQLite and PostgreSQL.
 */
class RoleSessionAccountabilityTest {
    private static final String CONFIG = """
            models:
              - id: quarry/echo
                price: { input: 1000, output: 1000 }
            """;
    private static final String CHAT = "{\"model\": \"quarry/echo\", \"max_tokens\": 200, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void callsThroughARoleAreTheAssumingUsersAndEndWithIt(String target) {
        String url = StoreTargets.freshUrl(target);
        try (TestQuarry quarry = TestQuarry.start(CONFIG + "store: { url: \"" + url + "\" }\n", Map.of())) {
            String alice = quarry.admin("POST", "/admin/keys", "{\"name\": \"alice\"}").expect(201).path("api_key").asText();
            String session = sessionOf(quarry, alice);

            // The ledger row and the audit event of a call through the role name the user behind it.
            String requestId = requestId(quarry.call("POST", "/v1/chat/completions", session, CHAT).expect(200));
            UsageRecord row = quarry.ledgerRecord(requestId);
            String aliceId = quarry.quarry().identities().principal("alice").orElseThrow().id();
            assertThat(row.principalId()).isEqualTo(quarry.quarry().identities().principal("deployer").orElseThrow().id());
            assertThat(row.onBehalfOf()).isEqualTo(aliceId);
            assertThat(auditOf(quarry, url, requestId)).extracting(AuditEvent::principalName, AuditEvent::onBehalfOf)
                    .containsExactly("deployer", "alice");
            JsonNode byUser = quarry.admin("GET", "/admin/usage/report?by=user&from=2000-01-01&to=2100-01-01", null).expect(200);
            assertThat(byUser.findValuesAsText("key")).contains("alice via deployer");

            // A user its own budget refuses is refused through the role too.
            quarry.admin("POST", "/admin/budgets", """
                    {"name": "alice-cap", "scope": "principal:alice", "period": "day", "limit_usd": "0.01"}""").expect(201);
            assertThat(quarry.call("POST", "/v1/chat/completions", alice, CHAT).expect(402).path("error").path("code").asText())
                    .isEqualTo("budget_exceeded");
            assertThat(quarry.call("POST", "/v1/chat/completions", session, CHAT).expect(402).path("error").path("message").asText())
                    .contains("alice-cap");

            // Deleting the user ends the session it assumed, at once.
            quarry.admin("DELETE", "/admin/principals/alice", null).expect(204);
            assertThat(quarry.call("POST", "/v1/chat/completions", session, CHAT).expect(401).path("error").path("message").asText())
                    .contains("session of role 'deployer' whose assuming principal was deleted");
        }
    }

    /**
     * Spend through a role counts against the assuming user's budgets when they are read back from
     * the ledger (a budget created or edited, a restart), in every scope that covers the user.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void spendThroughARoleStillCountsForTheUserAfterABudgetEditOrARestart(String target) {
        String url = StoreTargets.freshUrl(target);
        String config = CONFIG + "store: { url: \"" + url + "\" }\n";
        String alice, limit;
        try (TestQuarry quarry = TestQuarry.start(config, Map.of())) {
            alice = quarry.admin("POST", "/admin/keys", "{\"name\": \"alice\"}").expect(201).path("api_key").asText();
            quarry.admin("POST", "/admin/groups", "{\"name\": \"team\"}").expect(201);
            quarry.admin("PUT", "/admin/groups/team/members/alice", null).expect(200);
            quarry.admin("PUT", "/admin/principals/alice/tags", "{\"tags\": {\"unit\": \"blue\"}}").expect(200);
            quarry.admin("POST", "/admin/policies/ModelAccess/attachments", "{\"target_type\": \"principal\", \"target_name\": \"alice\"}")
                    .expect(200);
            String session = sessionOf(quarry, alice);
            String big = "{\"model\": \"quarry/echo\", \"max_tokens\": 200, \"messages\": [{\"role\": \"user\", \"content\": \""
                    + "spend ".repeat(3000) + "\"}]}";
            long spent = quarry.ledgerRecord(requestId(quarry.call("POST", "/v1/chat/completions", session, big).expect(200))).costMicros();
            limit = java.math.BigDecimal.valueOf(spent / 2, 6).toPlainString();

            for (String scope : List.of("principal:alice", "group:team", "tag:unit=blue")) {
                String id = quarry.admin("POST", "/admin/budgets", "{\"name\": \"cap\", \"scope\": \"" + scope
                        + "\", \"period\": \"day\", \"limit_usd\": \"" + limit + "\"}").expect(201).path("id").asText();
                assertThat(quarry.call("POST", "/v1/chat/completions", alice, SMALL).status()).as(scope).isEqualTo(402);
                quarry.admin("DELETE", "/admin/budgets/" + id, null).expect(204);
            }
            quarry.admin("POST", "/admin/budgets", "{\"name\": \"cap\", \"scope\": \"principal:alice\", \"period\": \"day\", "
                    + "\"limit_usd\": \"" + limit + "\"}").expect(201);
        }
        try (TestQuarry restarted = TestQuarry.start(config, Map.of())) {
            assertThat(restarted.call("POST", "/v1/chat/completions", alice, SMALL).status()).isEqualTo(402);
        }
    }

    private static final String SMALL = "{\"model\": \"quarry/echo\", \"max_tokens\": 1, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";

    /** A session of a role alice may assume, with model access of its own. */
    private static String sessionOf(TestQuarry quarry, String aliceKey) {
        quarry.admin("POST", "/admin/roles", "{\"name\": \"deployer\", \"trust\": [\"alice\"]}").expect(201);
        quarry.admin("POST", "/admin/policies/ModelAccess/attachments", "{\"target_type\": \"principal\", \"target_name\": \"deployer\"}")
                .expect(200);
        quarry.admin("PUT", "/admin/policies/MayDeploy", """
                {"Statement": [{"Effect": "Allow", "Action": "quarry:AssumeRole", "Resource": "role/deployer"}]}""").expect(200);
        quarry.admin("POST", "/admin/policies/MayDeploy/attachments", "{\"target_type\": \"principal\", \"target_name\": \"alice\"}")
                .expect(200);
        return quarry.call("POST", "/sts/assume-role", aliceKey, "{\"role\": \"deployer\"}").expect(200).path("api_key").asText();
    }

    private static String requestId(JsonNode completion) {
        return "req_" + completion.path("id").asText().substring("chatcmpl-".length());
    }

    /** The audit event of a request, waiting briefly: events are written in the background. */
    private static AuditEvent auditOf(TestQuarry quarry, String url, String requestId) {
        try (Database db = Database.open(url)) {
            return Eventually.theOne(() -> new AuditQueries(db).find("deployer", null, null, null, null, 50).stream()
                    .filter(e -> requestId.equals(e.requestId())).toList());
        }
    }
}
