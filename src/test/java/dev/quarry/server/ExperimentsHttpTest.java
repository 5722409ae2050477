package dev.quarry.server;

import static dev.quarry.testing.ExperimentTraffic.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.audit.AuditAnchor;
import dev.quarry.audit.AuditLog;
import dev.quarry.audit.SigningKey;
import dev.quarry.gateway.AuditStep;
import dev.quarry.gateway.AuthenticateStep;
import dev.quarry.gateway.AuthorizeStep;
import dev.quarry.gateway.DecodeStep;
import dev.quarry.gateway.Gateway;
import dev.quarry.gateway.PerformStep;
import dev.quarry.gateway.Pipeline;
import dev.quarry.identity.Authenticator;
import dev.quarry.identity.IdentityStore;
import dev.quarry.identity.MasterKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.metering.AnswerFeedback;
import dev.quarry.metering.ExperimentReport;
import dev.quarry.metering.GroupCommitLedger;
import dev.quarry.policy.PolicyDirectory;
import dev.quarry.policy.PolicyStore;
import dev.quarry.policy.RequestContext;
import dev.quarry.store.Database;
import dev.quarry.testing.StoreTargets;
import io.helidon.webserver.WebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/feedback} and {@code GET /admin/experiments/report} over HTTP, on a server
 * carrying only those routes, with the real authenticator, policies and audit trail behind them.
 */
class ExperimentsHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String RANGE = "from=2026-03-01&to=2026-04-01";

    private static Database db;
    private static AuditLog audit;
    private static WebServer server;
    private static String adminKey;
    private static String aliceKey;
    private static String bobKey;

    @BeforeAll
    static void start() throws Exception {
        Clock clock = Clock.systemUTC();
        db = Database.open(StoreTargets.freshUrl("sqlite"));
        IdentityStore identities = new IdentityStore(db, MasterKey.generate());
        adminKey = identities.createKey("admin", PrincipalKind.ADMIN).apiKey();
        aliceKey = identities.createKey("alice", PrincipalKind.USER).apiKey();
        var bob = identities.createKey("bob", PrincipalKind.USER);
        bobKey = bob.apiKey();
        String alice = identities.principal("alice").orElseThrow().id();
        try (GroupCommitLedger ledger = new GroupCommitLedger(db)) {
            ledger.record(request("req-alice", alice, "duel", "claude", "claude-sonnet-4-5", "completed", 80, 3_000L, "2026-03-02T10:00:00Z"));
            ledger.record(request("req-bob", bob.principal().id(), "duel", "gpt", "gpt-5.5", "completed", 120, 2_000L, "2026-03-02T10:00:00Z"));
        }
        Authenticator authenticator = new Authenticator(identities, clock);
        Path auditDir = Files.createTempDirectory("quarry-audit-");
        audit = new AuditLog(db, SigningKey.inDataDir(auditDir), AuditAnchor.inDataDir(auditDir), clock, 100, Duration.ofHours(1));
        Gateway gateway = new Gateway(new Pipeline(List.of(new AuthenticateStep(authenticator))), new Pipeline(List.of(new AuditStep(audit, clock),
                new AuthenticateStep(authenticator), new DecodeStep(), new AuthorizeStep(new PolicyDirectory(new PolicyStore(db, clock)),
                new RequestContext(clock)), new PerformStep())));
        PlatformCalls admin = new PlatformCalls(gateway);
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(routing -> routing
                        .register(new FeedbackRoutes(admin, new AnswerFeedback(db, clock)))
                        .register(new ExperimentAdminRoutes(admin, new ExperimentReport(db))))
                .build().start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        audit.close();
        db.close();
    }

    @Test
    void aCallerRatesItsOwnAnswerAndSeesItsVariant() throws Exception {
        HttpResponse<String> reply = feedback("Authorization", "Bearer " + aliceKey, """
                {"request_id": "req-alice", "score": 0.75, "comment": "good, if wordy"}""");

        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        assertThat(JSON.readTree(reply.body())).isEqualTo(JSON.readTree("""
                {"request_id": "req-alice", "score": 0.75, "experiment": "duel", "variant": "claude", "model": "claude-sonnet-4-5"}"""));

        // x-api-key works as for the Anthropic surface; a second rating replaces the first.
        assertThat(feedback("x-api-key", aliceKey, "{\"request_id\": \"req-alice\", \"score\": 0.25}").statusCode()).isEqualTo(200);
        JsonNode claude = JSON.readTree(get("/admin/experiments/report?experiment=duel&" + RANGE, adminKey).body()).path("rows").get(0);
        assertThat(claude.path("variant").asText()).isEqualTo("claude");
        assertThat(claude.path("feedback").asLong()).isEqualTo(1);
        assertThat(claude.path("mean_score").asDouble()).isEqualTo(0.25);
    }

    @Test
    void badRatingsAndOtherPeoplesRequestsAreRefusedInOpenAisShape() throws Exception {
        HttpResponse<String> outOfRange = feedback("Authorization", "Bearer " + aliceKey, "{\"request_id\": \"req-alice\", \"score\": 2}");
        assertThat(outOfRange.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(outOfRange.body()).path("error").path("param").asText()).isEqualTo("score");
        assertThat(feedback("Authorization", "Bearer " + aliceKey, "{\"request_id\": \"req-alice\"}").statusCode()).isEqualTo(400);

        HttpResponse<String> bobs = feedback("Authorization", "Bearer " + aliceKey, "{\"request_id\": \"req-bob\", \"score\": 0}");
        HttpResponse<String> nobodys = feedback("Authorization", "Bearer " + aliceKey, "{\"request_id\": \"req-none\", \"score\": 0}");
        assertThat(bobs.statusCode()).isEqualTo(404);
        assertThat(nobodys.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(bobs.body()).path("error").path("code").asText()).isEqualTo("not_found");
        assertThat(JSON.readTree(bobs.body()).path("error").path("message").asText())
                .isEqualTo(JSON.readTree(nobodys.body()).path("error").path("message").asText().replace("req-none", "req-bob"));

        HttpResponse<String> stranger = feedback("Authorization", "Bearer qk-not-a-key", "{\"request_id\": \"req-bob\", \"score\": 0}");
        assertThat(stranger.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(stranger.body()).path("error").path("type").asText()).isEqualTo("authentication_error");
    }

    @Test
    void theReportIsForAdminsInEachFormat() throws Exception {
        HttpResponse<String> json = get("/admin/experiments/report?" + RANGE, adminKey);
        assertThat(json.statusCode()).as(json.body()).isEqualTo(200);
        assertThat(json.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(JSON.readTree(json.body()).path("rows").findValuesAsText("variant")).containsExactly("claude", "gpt");

        HttpResponse<String> csv = get("/admin/experiments/report?experiment=duel&format=csv&" + RANGE, adminKey);
        assertThat(csv.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/csv"));
        assertThat(csv.body()).startsWith("experiment,variant,models,").contains("\nduel,gpt,gpt-5.5,1,1,0,0.0000,120,120,");
        HttpResponse<String> table = get("/admin/experiments/report?format=table&" + RANGE, adminKey);
        assertThat(table.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        assertThat(table.body()).containsPattern("duel\\s+gpt\\s+gpt-5.5\\s+1\\s");

        HttpResponse<String> badFormat = get("/admin/experiments/report?format=xml&" + RANGE, adminKey);
        assertThat(badFormat.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badFormat.body()).path("error").path("param").asText()).isEqualTo("format");
        assertThat(JSON.readTree(get("/admin/experiments/report?from=2026-03-01", adminKey).body()).path("error").path("param").asText())
                .isEqualTo("to");

        assertThat(get("/admin/experiments/report?" + RANGE, bobKey).statusCode()).isEqualTo(403);
    }

    private static HttpResponse<String> feedback(String header, String value, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/v1/feedback")).header(header, value)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path, String key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base() + path)).header("Authorization", "Bearer " + key).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String base() {
        return "http://127.0.0.1:" + server.port();
    }
}
