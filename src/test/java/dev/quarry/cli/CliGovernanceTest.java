package dev.quarry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.testing.QuarryCli;
import dev.quarry.testing.TestQuarry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The command line governed like any client of the admin API: every change it makes is in the
 * audit trail with the operator's principal, a caller policy denies is refused naming the
 * statement, and a failure inside the server is one audited line while the server keeps serving.
 */
class CliGovernanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestQuarry quarry;

    @BeforeEach
    void start() {
        quarry = TestQuarry.start();
    }

    @AfterEach
    void stop() {
        quarry.close();
    }

    @Test
    void everyChangeTheCliMakesIsAuditedWithTheOperatorsPrincipal() throws Exception {
        Path policy = Files.writeString(quarry.dataDir().resolve("p.json"), """
                {"Statement": [{"Sid": "Assume", "Effect": "Allow", "Action": "quarry:AssumeRole", "Resource": "role/*"}]}""");
        Path prices = Files.writeString(quarry.dataDir().resolve("prices.yaml"), """
                - { model: quarry/echo, platform: local, effective_from: 2031-01-01, input: 1, output: 2 }""");
        // Each command that changes something, with the action it must be audited as.
        Map<String, String[]> changes = new LinkedHashMap<>();
        changes.put("quarry:CreatePrincipal", new String[] {"principals", "create", "--name", "ana"});
        changes.put("quarry:TagPrincipal", new String[] {"principals", "tag", "--name", "ana", "--tag", "team=red"});
        changes.put("quarry:CreateGroup", new String[] {"groups", "create", "--name", "crew"});
        changes.put("quarry:AddToGroup", new String[] {"groups", "add", "--group", "crew", "--principal", "ana"});
        changes.put("quarry:RemoveFromGroup", new String[] {"groups", "remove", "--group", "crew", "--principal", "ana"});
        changes.put("quarry:DeleteGroup", new String[] {"groups", "delete", "--name", "crew"});
        changes.put("quarry:PutPolicy", new String[] {"policy", "put", "--name", "MayAssume", "--file", policy.toString()});
        changes.put("quarry:AttachPolicy", new String[] {"policy", "attach", "--name", "MayAssume", "--principal", "ana"});
        changes.put("quarry:CreateRole", new String[] {"roles", "create", "--name", "deployer", "--trust", "ana"});
        changes.put("quarry:PutBudget", new String[] {"budgets", "create", "--name", "team", "--scope", "principal:ana", "--period", "month",
                "--limit", "10"});
        changes.put("quarry:DeleteBudget", new String[] {"budgets", "delete", "--name", "team"});
        changes.put("quarry:PutPrices", new String[] {"prices", "load", prices.toString()});
        changes.put("quarry:CreateCommitment", new String[] {"commitments", "add", "--name", "c1", "--amount", "100", "--start", "2031-01-01",
                "--end", "2032-01-01", "--discount", "0.1"});
        for (String[] command : changes.values()) QuarryCli.succeed(QuarryCli.against(quarry, command));

        JsonNode key = JSON.readTree(QuarryCli.succeed(QuarryCli.against(quarry, "keys", "create", "--name", "ana")));
        String keyId = key.path("key_id").asText();
        for (String verb : List.of("disable", "enable")) QuarryCli.succeed(QuarryCli.against(quarry, "keys", verb, keyId));
        QuarryCli.succeed("sts", "assume-role", "--role", "deployer", "--url", quarry.baseUrl(), "--key", key.path("api_key").asText());
        for (String[] command : List.of(new String[] {"keys", "delete", keyId}, new String[] {"policy", "detach", "--name", "MayAssume",
                "--principal", "ana"}, new String[] {"policy", "delete", "--name", "MayAssume"}, new String[] {"roles", "delete", "--name", "deployer"},
                new String[] {"principals", "delete", "--name", "ana"})) {
            QuarryCli.succeed(QuarryCli.against(quarry, command));
        }

        List<String> expected = new ArrayList<>(changes.keySet());
        expected.addAll(List.of("quarry:CreateKey", "quarry:DisableKey", "quarry:EnableKey", "quarry:DeleteKey", "quarry:DetachPolicy",
                "quarry:DeletePolicy", "quarry:DeleteRole", "quarry:DeletePrincipal"));
        List<String> byAdmin = awaitActions(expected.size(), "--principal", "admin");
        assertThat(byAdmin).containsAll(expected);
        JsonNode assumed = audit("--principal", "ana", "--action", "quarry:AssumeRole").path("events");
        assertThat(assumed).singleElement().satisfies(e -> assertThat(e.path("decision").asText()).isEqualTo("allow"));
        assertThat(audit("--principal", "admin", "--limit", "1000").path("events").findValuesAsText("user_agent")).contains("quarry-cli");
    }

    @Test
    void aCallerWhosePolicyDeniesTheChangeIsRefusedNamingTheStatement() throws Exception {
        String internKey = quarry.newKey("intern");
        Path deny = Files.writeString(quarry.dataDir().resolve("deny.json"), """
                {"Statement": [{"Sid": "NoNewPrincipals", "Effect": "Deny", "Action": "quarry:CreatePrincipal", "Resource": "*"}]}""");
        QuarryCli.succeed(QuarryCli.against(quarry, "policy", "put", "--name", "InternLimits", "--file", deny.toString()));
        QuarryCli.succeed(QuarryCli.against(quarry, "policy", "attach", "--name", "InternLimits", "--principal", "intern"));

        QuarryCli.Output refused = QuarryCli.run("principals", "create", "--name", "shadow", "--url", quarry.baseUrl(), "--key", internKey);
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.stdout()).isEmpty();
        assertThat(refused.stderr()).isEqualTo("quarry: quarry:CreatePrincipal on principal/shadow is denied by statement 'NoNewPrincipals' "
                + "of policy 'InternLimits'. (HTTP 403)" + System.lineSeparator());

        QuarryCli.Output unallowed = QuarryCli.run("audit", "query", "--url", quarry.baseUrl(), "--key", internKey);
        assertThat(unallowed.code()).isEqualTo(1);
        assertThat(unallowed.stderr()).contains("quarry:ReadAudit on audit/* is denied: no policy attached to you", "(HTTP 403)");

        JsonNode denied = awaitEvent("--principal", "intern", "--action", "quarry:CreatePrincipal");
        assertThat(denied.path("decision").asText()).isEqualTo("deny");
        assertThat(denied.path("deciding_policy").asText()).contains("InternLimits").contains("NoNewPrincipals");
        quarry.admin("GET", "/admin/principals/shadow", null).expect(404);
    }

    @Test
    void aStoreFailureDuringACliCallIsOneAuditedLineAndTheServerKeepsServing() throws Exception {
        QuarryCli.succeed(QuarryCli.against(quarry, "budgets", "create", "--name", "org", "--scope", "organisation", "--period", "month",
                "--limit", "5"));
        String store = "jdbc:sqlite:" + quarry.dataDir().resolve("quarry.db");
        try (Connection c = DriverManager.getConnection(store); var s = c.createStatement()) {
            s.execute("ALTER TABLE budgets RENAME TO budgets_away");
        }
        QuarryCli.Output failed = QuarryCli.run(QuarryCli.against(quarry, "budgets", "list"));
        assertThat(failed.code()).isEqualTo(1);
        // The server runs in this process, so its log of the cause shares standard error with the command's one line.
        assertThat(failed.stderr().lines().filter(line -> line.startsWith("quarry: ")))
                .singleElement().asString().startsWith("quarry: The call failed inside Quarry (request req_").endsWith("(HTTP 500)");

        JsonNode event = awaitEvent("--principal", "admin", "--action", "quarry:ReadBudget");
        assertThat(event.path("decision").asText()).isEqualTo("error");
        assertThat(event.path("error_code").asText()).isEqualTo("INTERNAL");
        assertThat(failed.stderr()).contains(event.path("request_id").asText());

        try (Connection c = DriverManager.getConnection(store); var s = c.createStatement()) {
            s.execute("ALTER TABLE budgets_away RENAME TO budgets");
        }
        assertThat(QuarryCli.succeed(QuarryCli.against(quarry, "budgets", "list"))).containsPattern("org\\s+organisation\\s+month");
    }

    @Test
    void theAuditQueryTakesDaysOrInstantsAndRefusesMalformedFilters() throws Exception {
        QuarryCli.succeed(QuarryCli.against(quarry, "principals", "list"));
        awaitEvent("--action", "quarry:ListPrincipals");
        assertThat(audit("--action", "quarry:ListPrincipals", "--from", "2026-01-01", "--to", "9999-01-01T00:00:00Z").path("events")).hasSize(1);
        assertThat(audit("--action", "quarry:ListPrincipals", "--to", "2020-01-01").path("events")).isEmpty();
        assertThat(QuarryCli.succeed(QuarryCli.against(quarry, "audit", "query", "--action", "quarry:ListPrincipals")))
                .containsPattern("TIME\\s+PRINCIPAL\\s+ACTION").containsPattern("admin\\s+quarry:ListPrincipals\\s+principal/\\*\\s+allow");

        QuarryCli.Output badDay = QuarryCli.run(QuarryCli.against(quarry, "audit", "query", "--from", "yesterday"));
        assertThat(badDay.code()).isEqualTo(1);
        assertThat(badDay.stderr()).contains("'yesterday' is neither a day like 2026-01-31", "(HTTP 400)");
        QuarryCli.Output badLimit = QuarryCli.run(QuarryCli.against(quarry, "audit", "query", "--limit", "5000"));
        assertThat(badLimit.stderr()).contains("the limit must be 1 to 1000 (got 5000)", "(HTTP 400)");
        QuarryCli.Output backwards = QuarryCli.run(QuarryCli.against(quarry, "audit", "query", "--from", "2026-02-01", "--to", "2026-01-01"));
        assertThat(backwards.stderr()).contains("must be after 'from'", "(HTTP 400)");
    }

    private JsonNode audit(String... filters) throws Exception {
        List<String> args = new ArrayList<>(List.of("audit", "query", "--output", "json"));
        args.addAll(List.of(filters));
        return JSON.readTree(QuarryCli.succeed(QuarryCli.against(quarry, args.toArray(String[]::new))));
    }

    /** The newest event matching the filters, waiting for the trail's writer to store it. */
    private JsonNode awaitEvent(String... filters) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            JsonNode events = audit(filters).path("events");
            if (!events.isEmpty()) return events.get(0);
            assertThat(System.nanoTime()).as("an audit event for %s", List.of(filters)).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** The actions of the events matching the filters once there are at least {@code count}. */
    private List<String> awaitActions(int count, String... filters) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<String> args = new ArrayList<>(List.of(filters));
        args.addAll(List.of("--limit", "1000"));
        while (true) {
            List<String> actions = audit(args.toArray(String[]::new)).path("events").findValuesAsText("action");
            if (actions.size() >= count || System.nanoTime() > deadline) return actions;
            Thread.sleep(50);
        }
    }
}
