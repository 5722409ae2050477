package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.Message;
import dev.quarry.gateway.Exchange;
import dev.quarry.gateway.Operation;
import dev.quarry.gateway.Origin;
import dev.quarry.gateway.Outcome;
import dev.quarry.identity.Credential;
import dev.quarry.identity.Principal;
import dev.quarry.metering.UsageRecord;
import dev.quarry.store.Database;
import dev.quarry.testing.Eventually;
import dev.quarry.testing.QuarryCli;
import dev.quarry.testing.StoreTargets;
import dev.quarry.testing.TestQuarry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The model calls of managed-agent sessions go through the same gateway as outside calls, as the
 * session's principal: their ledger rows and audit events carry the session and turn, the admin
 * API and the CLI find them by session and group them by session and saved agent, and a session
 * whose principal is deleted stops at its next call. On SQLite and PostgreSQL.
 */
class AgentOriginAcceptanceTest {
    private static final String CONFIG = """
            models:
              - id: quarry/echo
                price: { input: 1000, output: 1000 }
            """;
    private static final String CHAT = "{\"model\": \"quarry/echo\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";
    private static final String ALL_TIME = "&from=2000-01-01&to=2100-01-01";

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void agentCallsAreMeteredAuditedAndReportedBySessionUntilTheirPrincipalIsGone(String target) {
        String url = StoreTargets.freshUrl(target);
        try (TestQuarry quarry = TestQuarry.start(CONFIG + "store: { url: \"" + url + "\" }\n", Map.of())) {
            String anaKey = quarry.admin("POST", "/admin/keys", "{\"name\": \"ana\"}").expect(201).path("api_key").asText();
            quarry.admin("POST", "/admin/roles", "{\"name\": \"deployer\", \"trust\": [\"ana\"]}").expect(201);
            quarry.admin("POST", "/admin/policies/ModelAccess/attachments", "{\"target_type\": \"principal\", \"target_name\": \"deployer\"}")
                    .expect(200);
            Principal ana = quarry.quarry().identities().principal("ana").orElseThrow();
            Principal deployer = quarry.quarry().identities().principal("deployer").orElseThrow();
            try (Database db = Database.open(url)) {
                agentSession(db, "sesn_saved", "agent_triage");
                agentSession(db, "sesn_inline", null);
            }
            Credential.Harness asAna = new Credential.Harness(ana.id(), null, null);
            Credential.Harness asDeployerForAna = new Credential.Harness(deployer.id(), ana.id(), Instant.now().plus(Duration.ofHours(1)));

            String own = answered(harnessCall(quarry, asAna, new Origin("sesn_saved", "turn_1")));
            String throughRole = answered(harnessCall(quarry, asDeployerForAna, new Origin("sesn_inline", "turn_7")));
            quarry.call("POST", "/v1/chat/completions", anaKey, CHAT).expect(200); // outside any session

            UsageRecord ownRow = quarry.ledgerRecord(own);
            assertThat(ownRow).extracting(UsageRecord::principalId, UsageRecord::onBehalfOf, UsageRecord::surface, UsageRecord::sessionId,
                    UsageRecord::turnId, UsageRecord::status).containsExactly(ana.id(), null, "agents.harness", "sesn_saved", "turn_1", "completed");
            assertThat(quarry.ledgerRecord(throughRole)).extracting(UsageRecord::principalId, UsageRecord::onBehalfOf, UsageRecord::sessionId,
                    UsageRecord::turnId).containsExactly(deployer.id(), ana.id(), "sesn_inline", "turn_7");

            JsonNode ownEvent = auditOfSession(quarry, "sesn_saved");
            assertThat(List.of(ownEvent.path("request_id").asText(), ownEvent.path("principal_name").asText(), ownEvent.path("action").asText(),
                    ownEvent.path("decision").asText(), ownEvent.path("turn_id").asText()))
                    .containsExactly(own, "ana", "quarry:InvokeModel", "allow", "turn_1");
            assertThat(ownEvent.path("on_behalf_of").isNull()).isTrue();
            JsonNode roleEvent = auditOfSession(quarry, "sesn_inline");
            assertThat(List.of(roleEvent.path("request_id").asText(), roleEvent.path("principal_name").asText(),
                    roleEvent.path("on_behalf_of").asText(), roleEvent.path("turn_id").asText()))
                    .containsExactly(throughRole, "deployer", "ana", "turn_7");

            // Reports count only the calls of sessions: by session, and by the session's saved agent ('inline' without one).
            assertThat(reportRows(quarry, "session")).containsExactly(tuple("sesn_inline", 1L), tuple("sesn_saved", 1L));
            assertThat(reportRows(quarry, "agent")).containsExactly(tuple("agent_triage", 1L), tuple("inline", 1L));
            assertThat(QuarryCli.succeed(QuarryCli.against(quarry, "usage", "report", "--by", "agent", "--from", "2000-01-01", "--to", "2100-01-01")))
                    .containsPattern("AGENT\\s+REQUESTS").containsPattern("agent_triage\\s+1").containsPattern("inline\\s+1");
            assertThat(QuarryCli.succeed(QuarryCli.against(quarry, "audit", "query", "--session", "sesn_saved")))
                    .containsPattern("REQUEST\\s+SESSION\\s+TURN").containsPattern(own + "\\s+sesn_saved\\s+turn_1");
            assertThat(QuarryCli.succeed(QuarryCli.against(quarry, "audit", "query", "--principal", "admin")))
                    .as("no session columns where no event has one").contains("quarry:ReadAudit").doesNotContain("SESSION");
            assertThat(quarry.admin("GET", "/admin/audit?session=" + "s".repeat(Origin.MAX_ID + 1), null).expect(400)
                    .path("error").path("message").asText()).contains("'session' is longer than 40 characters");
            assertThat(quarry.admin("GET", "/admin/audit?session=sesn_none", null).expect(200).path("events")).isEmpty();
            assertThat(quarry.admin("GET", "/admin/usage/report?by=sessions" + ALL_TIME, null).expect(400)
                    .path("error").path("message").asText()).contains("session or agent");

            // Deleting ana: once the identity version moves (the change watcher's poll), its sessions and those run for it stop.
            quarry.quarry().identities().deletePrincipal("ana");
            Outcome.Rejected refused = Eventually.theOne(() -> harnessCall(quarry, asAna, new Origin("sesn_saved", "turn_2"))
                    instanceof Outcome.Rejected r ? List.of(r) : List.of());
            assertThat(refused.error().kind()).isEqualTo(ErrorKind.AUTHENTICATION);
            assertThat(refused.error().message()).contains("which no longer exists");
            Outcome roleRefused = harnessCall(quarry, asDeployerForAna, new Origin("sesn_inline", "turn_8"));
            assertThat(roleRefused).isInstanceOfSatisfying(Outcome.Rejected.class, r -> assertThat(r.error().message())
                    .contains("runs as role 'deployer' for principal '" + ana.id() + "', which no longer exists"));
        }
    }

    /** A chat through the gateway as the harness makes it, its answer drained (the ledger records as the stream ends). */
    private static Outcome harnessCall(TestQuarry quarry, Credential credential, Origin origin) {
        ChatRequest chat = ChatRequest.of("quarry/echo", List.of(Message.user("hi")));
        Exchange exchange = Exchange.start("req_" + UUID.randomUUID(), "agents.harness", () -> new Operation.Chat(chat, false), credential,
                null, null).withOrigin(origin);
        Outcome outcome = quarry.quarry().gateway().handle(exchange);
        if (outcome instanceof Outcome.Streamed streamed) {
            try (EventStream stream = streamed.stream()) {
                while (stream.hasNext()) stream.next();
            }
        }
        return outcome;
    }

    private static String answered(Outcome outcome) {
        assertThat(outcome).isInstanceOf(Outcome.Streamed.class);
        return outcome.exchange().requestId();
    }

    /** The one audit event of a session, waiting briefly: events are written in the background. */
    private static JsonNode auditOfSession(TestQuarry quarry, String session) {
        return Eventually.theOne(() -> {
            List<JsonNode> events = new ArrayList<>();
            quarry.admin("GET", "/admin/audit?session=" + session, null).expect(200).path("events").forEach(events::add);
            return events;
        });
    }

    private static List<org.assertj.core.groups.Tuple> reportRows(TestQuarry quarry, String by) {
        List<org.assertj.core.groups.Tuple> rows = new ArrayList<>();
        quarry.admin("GET", "/admin/usage/report?by=" + by + ALL_TIME, null).expect(200).path("rows")
                .forEach(row -> rows.add(tuple(row.path("key").asText(), row.path("requests").asLong())));
        return rows;
    }

    private static void agentSession(Database db, String id, String agentId) {
        db.transaction(c -> {
            try (var s = c.prepareStatement("INSERT INTO agent_sessions (id, owner_id, surface, agent_id, spec, environment, metadata, status,"
                    + " created_at, last_active_at) VALUES (?, 'p-owner', 'openai', ?, '{}', '{}', '{}', 'idle', 0, 0)")) {
                s.setString(1, id);
                s.setString(2, agentId);
                return s.executeUpdate();
            }
        });
    }
}
