package dev.quarry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.testing.QuarryCli;
import dev.quarry.testing.TestQuarry;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What any API caller names things reaches the operator's terminal through the CLI: tags, price
 * entries, budget names, the server's messages quoting them. None of it may reach it raw.
 */
class CliTerminalSafetyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Retitles the window (OSC … BEL), clears the screen (CSI 2J), a one-byte C1 CSI, and a right-to-left override. */
    private static final String HOSTILE = "x\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202eevil";
    private static TestQuarry quarry;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start();
    }

    @AfterAll
    static void stop() {
        quarry.close();
    }

    @Test
    void hostileValuesAreShownEscapedInTablesAndExactInJson() throws Exception {
        quarry.admin("POST", "/admin/principals", JSON.createObjectNode().put("name", "mallory").put("kind", "user")
                .set("tags", JSON.createObjectNode().put("team", HOSTILE)).toString()).expect(201);

        String table = quarry("principals", "list");
        assertRaw(table);
        assertThat(table).contains("team=x\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m\\u202eevil");

        String json = quarry("principals", "list", "--output", "json");
        assertRaw(json);
        JsonNode mallory = JSON.readTree(json).path("principals").findParents("name").stream()
                .filter(p -> p.path("name").asText().equals("mallory")).findFirst().orElseThrow();
        assertThat(mallory.path("tags").path("team").asText()).isEqualTo(HOSTILE);
    }

    @Test
    void aPriceSheetModelAndABudgetNameAreEscaped() {
        String model = "m" + HOSTILE;
        quarry.admin("PUT", "/admin/prices", JSON.createObjectNode().set("prices", JSON.createArrayNode().add(JSON.createObjectNode()
                .put("model", model).put("platform", "direct").put("effective_from", "2026-01-01").put("currency", "USD")
                .put("input", 1).put("output", 2))).toString()).expect(200);
        assertRaw(quarry("prices", "list"));

        assertRaw(quarry("budgets", "create", "--name", "b" + HOSTILE, "--scope", "group:users", "--period", "month", "--limit", "10"));
        assertRaw(quarry("budgets", "list"));
    }

    @Test
    void aServerReportGroupedByAHostileTagIsEscaped() {
        quarry.admin("POST", "/admin/principals", JSON.createObjectNode().put("name", "trudy").put("kind", "user")
                .set("tags", JSON.createObjectNode().put("team", HOSTILE)).toString()).expect(201);
        String key = quarry.admin("POST", "/admin/keys", "{\"name\": \"trudy\"}").expect(201).path("api_key").asText();
        quarry.call("POST", "/v1/chat/completions", key, """
                {"model": "quarry/echo", "messages": [{"role": "user", "content": "hi"}]}""").expect(200);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (String format : new String[] {"table", "csv", "json"}) {
            String report = quarry("usage", "report", "--by", "tag", "--from", today.toString(), "--to", today.plusDays(1).toString(),
                    "--output", format);
            assertThat(report).contains("team=x");
            assertRaw(report);
        }
    }

    @Test
    void theServersMessageQuotingAHostileNameIsEscaped() {
        QuarryCli.Output out = QuarryCli.run(QuarryCli.against(quarry, "principals", "create", "--name", "a" + HOSTILE));
        assertThat(out.code()).isEqualTo(1);
        assertThat(out.stderr()).contains("\\u001b]0;pwned");
        assertRaw(out.stderr());
    }

    /** No control character but line breaks, and no bidirectional override, left as it came. */
    private static void assertRaw(String printed) {
        assertThat(printed).doesNotContain("\u001b", "\u0007", "\u009b", "\u202e").doesNotContain("\r");
    }

    private static String quarry(String... args) {
        return QuarryCli.succeed(QuarryCli.against(quarry, args));
    }
}
