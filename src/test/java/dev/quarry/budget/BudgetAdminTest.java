package dev.quarry.budget;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.testing.QuarryCli;
import dev.quarry.testing.TestQuarry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Budgets managed through the admin API and the CLI, and enforced on group and tag scopes in each surface's shape. */
class BudgetAdminTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static TestQuarry quarry;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start("""
                models:
                  - id: quarry/echo
                    price: { input: 1000, output: 1000 }
                """, Map.of());
    }

    @AfterAll
    static void stop() {
        quarry.close();
    }

    @Test
    void aBudgetIsCreatedReadReportedAndDeleted() throws Exception {
        HttpResponse<String> created = send("POST", "/admin/budgets", quarry.adminKey(), """
                {"name": "org-month", "scope": "organisation", "period": "month", "limit_usd": "500.25", "thresholds": [80, 50]}""");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JSON.readTree(created.body()).path("id").asText();

        assertThat(JSON.readTree(send("GET", "/admin/budgets", quarry.adminKey(), null).body()).path("budgets").findValuesAsText("name"))
                .contains("org-month");
        JsonNode status = JSON.readTree(send("GET", "/admin/budgets/" + id + "/status", quarry.adminKey(), null).body());
        assertThat(status.path("limit_usd").decimalValue()).isEqualByComparingTo("500.25");
        assertThat(status.path("remaining_usd").decimalValue()).isLessThanOrEqualTo(status.path("limit_usd").decimalValue());
        assertThat(status.path("thresholds").toString()).isEqualTo("[50,80]");
        assertThat(status.path("period_start").asText()).endsWith("-01T00:00:00Z");

        assertThat(send("DELETE", "/admin/budgets/" + id, quarry.adminKey(), null).statusCode()).isEqualTo(204);
        assertThat(send("GET", "/admin/budgets/" + id, quarry.adminKey(), null).statusCode()).isEqualTo(404);
    }

    @Test
    void badBudgetsAreRefusedNamingTheField() throws Exception {
        HttpResponse<String> reply = send("POST", "/admin/budgets", quarry.adminKey(), """
                {"name": "bad", "scope": "organisation", "period": "day", "limit_usd": "-3"}""");

        assertThat(reply.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(reply.body()).path("error").path("param").asText()).isEqualTo("limit_usd");
    }

    @Test
    void onlyCallersAllowedTheBudgetActionsMayManageBudgets() throws Exception {
        String plainKey = quarry.newKey("not-an-admin");

        assertThat(send("GET", "/admin/budgets", plainKey, null).statusCode()).isEqualTo(403);
        assertThat(send("POST", "/admin/budgets", plainKey, """
                {"name": "mine", "scope": "principal:not-an-admin", "period": "day", "limit_usd": "1000"}""").statusCode()).isEqualTo(403);
    }

    @Test
    void aGroupBudgetRefusesItsMembersInTheAnthropicShape() throws Exception {
        String key = quarry.newKey("gina");
        quarry.quarry().identities().groups().create("tiny-team");
        quarry.quarry().identities().groups().add("tiny-team", "gina");
        send("POST", "/admin/budgets", quarry.adminKey(), """
                {"name": "tiny-team-daily", "scope": "group:tiny-team", "period": "day", "limit_usd": "0.01"}""");

        HttpResponse<String> reply = HTTP.send(HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/v1/messages"))
                .header("x-api-key", key).header("anthropic-version", "2023-06-01").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model": "quarry/echo", "max_tokens": 100, "messages": [{"role": "user", "content": "hello"}]}"""))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(reply.statusCode()).isEqualTo(402);
        JsonNode error = JSON.readTree(reply.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("billing_error");
        assertThat(error.path("message").asText()).contains("tiny-team-daily", "group:tiny-team", "limit $0.01");
        assertThat(quarry.ledgerRecord(reply.headers().firstValue("X-Request-Id").orElseThrow()).errorKind()).isEqualTo("BUDGET_EXCEEDED");
    }

    @Test
    void aPrincipalBudgetRefusesInTheBedrockShape() throws Exception {
        String key = quarry.newKey("bea");
        send("POST", "/admin/budgets", quarry.adminKey(), """
                {"name": "bea-daily", "scope": "principal:bea", "period": "day", "limit_usd": "0.000001"}""");

        HttpResponse<String> reply = send("POST", "/model/quarry%2Fecho/converse", key, """
                {"messages": [{"role": "user", "content": [{"text": "hello"}]}], "inferenceConfig": {"maxTokens": 10}}""");

        assertThat(reply.statusCode()).isEqualTo(402);
        assertThat(reply.headers().firstValue("X-Amzn-Errortype")).hasValue("ServiceQuotaExceededException");
        assertThat(JSON.readTree(reply.body()).path("message").asText()).contains("bea-daily");
    }

    @Test
    void aTagBudgetCountsWhatItsPrincipalsSpend() throws Exception {
        quarry.quarry().identities().createPrincipal("tess", PrincipalKind.USER, Map.of("cost-centre", "cc-7"));
        String key = quarry.quarry().identities().createKey("tess", PrincipalKind.USER).apiKey();
        String id = JSON.readTree(send("POST", "/admin/budgets", quarry.adminKey(), """
                {"name": "cc-7", "scope": "tag:cost-centre=cc-7", "period": "day", "limit_usd": "100"}""").body()).path("id").asText();

        HttpResponse<String> reply = send("POST", "/v1/chat/completions", key, """
                {"model": "quarry/echo", "max_tokens": 50, "messages": [{"role": "user", "content": "hello there"}]}""");

        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        long cost = quarry.ledgerRecord(reply.headers().firstValue("X-Request-Id").orElseThrow()).costMicros();
        JsonNode status = JSON.readTree(send("GET", "/admin/budgets/" + id + "/status", quarry.adminKey(), null).body());
        assertThat(status.path("spent_usd").decimalValue().movePointRight(6).longValueExact()).isEqualTo(cost).isPositive();
        assertThat(status.path("reserved_usd").decimalValue()).isZero();
    }

    @Test
    void theCliCreatesListsReportsAndDeletesBudgetsByNameOrId() throws Exception {
        String created = cli("budgets", "create", "--name", "cli-budget", "--scope", "principal:someone", "--period", "day",
                "--limit", "12.5", "--threshold", "50");
        assertThat(created).containsPattern("cli-budget\\s+principal:someone\\s+day\\s+12.5\\d*\\s+50%");
        String id = created.lines().skip(1).findFirst().orElseThrow().split("\\s+")[0];

        assertThat(cli("budgets", "list")).contains(id);
        JsonNode status = JSON.readTree(cli("budgets", "status", "--name", "cli-budget", "--output", "json"));
        assertThat(status.path("id").asText()).isEqualTo(id);
        assertThat(status.path("spent_usd").decimalValue()).isZero();
        assertThat(status.path("remaining_usd").decimalValue()).isEqualByComparingTo("12.5");
        assertThat(cli("budgets", "status", "--id", id)).containsPattern("cli-budget\\s+\\S+\\s+\\S+\\s+12.5\\d*\\s+0(\\.0+)?\\s").endsWith("none\n");
        assertThat(cli("budgets", "delete", "--name", "cli-budget")).contains("deleted " + id);
        assertThat(cli("budgets", "list")).doesNotContain(id);
        QuarryCli.Output gone = QuarryCli.run(QuarryCli.against(quarry, "budgets", "delete", "--name", "cli-budget"));
        assertThat(gone.code()).isEqualTo(1);
        assertThat(gone.stderr()).contains("There is no budget named 'cli-budget' (see 'quarry budgets list').");
    }

    private static String cli(String... args) {
        return QuarryCli.succeed(QuarryCli.against(quarry, args));
    }

    private static HttpResponse<String> send(String method, String path, String key, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(quarry.baseUrl() + path))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
