package dev.quarry.cli;

import static dev.quarry.testing.ExperimentTraffic.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.metering.AnswerFeedback;
import dev.quarry.metering.GroupCommitLedger;
import dev.quarry.store.Database;
import dev.quarry.testing.QuarryCli;
import dev.quarry.testing.TestQuarry;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code quarry experiments report}, run in process against a running Quarry whose store holds recorded traffic. */
class ExperimentsCommandTest {
    private TestQuarry quarry;

    @BeforeEach
    void recordTraffic() {
        quarry = TestQuarry.start();
        try (Database db = Database.sqliteIn(quarry.dataDir())) {
            try (GroupCommitLedger ledger = new GroupCommitLedger(db)) {
                ledger.record(request("g1", "alice", "duel", "gpt", "gpt-5.5", "completed", 120, 2_000L, "2026-03-02T10:00:00Z"));
                ledger.record(request("c1", "alice", "duel", "claude", "claude-sonnet-4-5", "completed", 80, 3_000L, "2026-03-02T10:00:00Z"));
                ledger.record(request("c2", "alice", "duel", "claude", "claude-sonnet-4-5", "failed", 10, null, "2026-03-02T11:00:00Z"));
                ledger.record(request("p1", "alice", "prompt-v2", "short", "gpt-5.5", "completed", 50, 1_000L, "2026-03-02T10:00:00Z"));
            }
            new AnswerFeedback(db, Clock.systemUTC()).record("c1", "alice", 0.75, null);
        }
    }

    @AfterEach
    void stop() {
        quarry.close();
    }

    @Test
    void reportsEachVariantAsCsvTableOrJson() throws Exception {
        String csv = QuarryCli.succeed(QuarryCli.against(quarry, "experiments", "report", "--experiment", "duel",
                "--from", "2026-03-01", "--to", "2026-04-01", "--format", "csv"));
        assertThat(csv).isEqualTo("""
                experiment,variant,models,requests,completed,failed_or_cancelled,error_rate,latency_p50_ms,latency_p95_ms,\
                mean_cost_usd,cost_usd,unpriced_requests,feedback,mean_score
                duel,claude,claude-sonnet-4-5,2,1,1,0.5000,80,80,0.003000,0.003000,1,1,0.7500
                duel,gpt,gpt-5.5,1,1,0,0.0000,120,120,0.002000,0.002000,0,0,
                """);

        assertThat(QuarryCli.succeed(QuarryCli.against(quarry, "experiments", "report", "--from", "2026-03-01", "--to", "2026-04-01")))
                .containsPattern("EXPERIMENT\\s+VARIANT\\s+MODELS")
                .containsPattern("prompt-v2\\s+short\\s+gpt-5.5\\s+1\\s+1\\s+0\\s+0.0000\\s+50\\s+50\\s");

        JsonNode json = new ObjectMapper().readTree(QuarryCli.succeed(QuarryCli.against(quarry, "experiments", "report",
                "--from", "2026-03-01", "--to", "2026-03-02T10:30:00Z", "--format", "json")));
        assertThat(json.path("rows").findValuesAsText("variant")).containsExactly("claude", "gpt", "short");
        assertThat(json.path("rows").get(0).path("requests").asLong()).isEqualTo(1);
    }

    @Test
    void badArgumentsAreReportedNotThrown() {
        QuarryCli.Output format = QuarryCli.run(QuarryCli.against(quarry, "experiments", "report", "--from", "2026-03-01",
                "--to", "2026-04-01", "--format", "xml"));
        assertThat(format.code()).isEqualTo(1);
        assertThat(format.stderr()).contains("unknown format 'xml'; choose table, csv or json", "(HTTP 400)");

        QuarryCli.Output range = QuarryCli.run(QuarryCli.against(quarry, "experiments", "report", "--from", "last week", "--to", "2026-04-01"));
        assertThat(range.code()).isEqualTo(1);
        assertThat(range.stderr()).contains("'last week' is neither a day like 2026-01-31");

        QuarryCli.Output missing = QuarryCli.run(QuarryCli.against(quarry, "experiments", "report", "--to", "2026-04-01"));
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.stderr()).contains("Missing required option: '--from=DAY|INSTANT'");
    }
}
