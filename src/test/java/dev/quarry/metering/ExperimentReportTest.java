package dev.quarry.metering;

import static dev.quarry.testing.ExperimentTraffic.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.store.Database;
import dev.quarry.testing.StoreTargets;
import dev.quarry.testing.TestClock;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Per-variant figures of A/B experiments from the ledger and the feedback, and their renderings, on SQLite and PostgreSQL. */
class ExperimentReportTest {
    private static final Instant FROM = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-04-01T00:00:00Z");

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void eachVariantGetsItsTrafficErrorsLatencyCostAndFeedback(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            recordDuel(db);
            List<ExperimentReport.Row> rows = new ExperimentReport(db).rows(null, FROM, TO);

            assertThat(rows).extracting(ExperimentReport.Row::experiment, ExperimentReport.Row::variant)
                    .containsExactly(tuple("duel", "claude"), tuple("duel", "gpt"), tuple("prompt-v2", "short"));

            // 20 completed (10, 20, … 200 ms; one unpriced), one cancelled, one failed and unpriced.
            ExperimentReport.Row claude = rows.get(0);
            assertThat(claude).isEqualTo(new ExperimentReport.Row("duel", "claude", List.of("claude-haiku-4-5", "claude-sonnet-4-5"),
                    22, 20, 100L, 190L, new BigDecimal("0.019500"), 2, 2, 0.5));
            assertThat(claude.failedOrCancelled()).isEqualTo(2);
            assertThat(claude.errorRate()).isEqualTo(2.0 / 22);
            assertThat(claude.meanCost()).isEqualTo(new BigDecimal("0.000975"));

            // 4 completed (100 to 400 ms, one unpriced) and a slow failure, which is no answer latency.
            ExperimentReport.Row gpt = rows.get(1);
            assertThat(gpt).isEqualTo(new ExperimentReport.Row("duel", "gpt", List.of("gpt-5.5"), 5, 4, 200L, 400L,
                    new BigDecimal("0.006000"), 1, 2, 0.75));
            assertThat(gpt.errorRate()).isEqualTo(0.2);
            assertThat(gpt.meanCost()).isEqualTo(new BigDecimal("0.001500"));

            // Nothing completed, priced or rated: those figures do not exist.
            ExperimentReport.Row shortPrompt = rows.get(2);
            assertThat(shortPrompt).isEqualTo(new ExperimentReport.Row("prompt-v2", "short", List.of("gpt-5.5"), 1, 0, null, null,
                    new BigDecimal("0.000000"), 1, 0, null));
            assertThat(shortPrompt.errorRate()).isEqualTo(1.0);
            assertThat(shortPrompt.meanCost()).isNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void oneExperimentOrANarrowerRangeReportsOnlyItsRequests(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            recordDuel(db);
            ExperimentReport report = new ExperimentReport(db);

            assertThat(report.rows("prompt-v2", FROM, TO)).extracting(ExperimentReport.Row::variant).containsExactly("short");
            assertThat(report.rows("no-such-experiment", FROM, TO)).isEmpty();

            // gpt's first four requests are from 1 to 3 March, its fifth and claude's on the 10th: the lower bound is in, the upper out.
            List<ExperimentReport.Row> early = report.rows("duel", FROM, Instant.parse("2026-03-10T00:00:00Z"));
            assertThat(early).extracting(ExperimentReport.Row::variant, ExperimentReport.Row::requests)
                    .containsExactly(tuple("gpt", 4L));
            assertThat(early.getFirst().latencyP95()).isEqualTo(300);
        }
    }

    @Test
    void percentilesAreNearestRank() {
        assertThat(ExperimentReport.percentile(new long[] {7}, 50)).isEqualTo(7);
        assertThat(ExperimentReport.percentile(new long[] {7}, 95)).isEqualTo(7);
        assertThat(ExperimentReport.percentile(new long[] {1, 2, 3, 4}, 50)).isEqualTo(2);
        assertThat(ExperimentReport.percentile(new long[] {1, 2, 3, 4}, 95)).isEqualTo(4);
        long[] hundred = new long[100];
        for (int i = 0; i < 100; i++) hundred[i] = i + 1;
        assertThat(ExperimentReport.percentile(hundred, 50)).isEqualTo(50);
        assertThat(ExperimentReport.percentile(hundred, 95)).isEqualTo(95);
    }

    @Test
    void rendersTableCsvAndJson() throws Exception {
        List<ExperimentReport.Row> rows = List.of(
                new ExperimentReport.Row("duel", "claude", List.of("claude-haiku-4-5", "claude-sonnet-4-5"), 4, 3, 120L, 300L,
                        new BigDecimal("0.003000"), 1, 2, 0.625),
                new ExperimentReport.Row("duel", "gpt", List.of("gpt-5.5"), 1, 0, null, null, new BigDecimal("0.000000"), 1, 0, null));

        assertThat(ExperimentReport.render(ReportFormat.TABLE, rows)).containsPattern(
                "EXPERIMENT\\s+VARIANT\\s+MODELS\\s+REQUESTS\\s+COMPLETED\\s+FAILED\\+CANCELLED\\s+ERROR_RATE\\s+P50_MS\\s+P95_MS\\s+"
                        + "MEAN_COST_USD\\s+COST_USD\\s+UNPRICED\\s+FEEDBACK\\s+MEAN_SCORE\\R"
                        + "duel\\s+claude\\s+claude-haiku-4-5,claude-sonnet-4-5\\s+4\\s+3\\s+1\\s+0.2500\\s+120\\s+300\\s+0.001000\\s+0.003000\\s+1\\s+2\\s+0.6250\\R"
                        + "duel\\s+gpt\\s+gpt-5.5\\s+1\\s+0\\s+1\\s+1.0000\\s+0.000000\\s+1\\s+0\\s+\\R");
        assertThat(ExperimentReport.render(ReportFormat.CSV, rows)).isEqualTo("""
                experiment,variant,models,requests,completed,failed_or_cancelled,error_rate,latency_p50_ms,latency_p95_ms,\
                mean_cost_usd,cost_usd,unpriced_requests,feedback,mean_score
                duel,claude,"claude-haiku-4-5,claude-sonnet-4-5",4,3,1,0.2500,120,300,0.001000,0.003000,1,2,0.6250
                duel,gpt,gpt-5.5,1,0,1,1.0000,,,,0.000000,1,0,
                """);

        JsonNode json = new ObjectMapper().readTree(ExperimentReport.render(ReportFormat.JSON, rows));
        assertThat(json.path("currency").asText()).isEqualTo("USD");
        JsonNode claude = json.path("rows").get(0);
        assertThat(claude.path("models").toString()).isEqualTo("[\"claude-haiku-4-5\",\"claude-sonnet-4-5\"]");
        assertThat(claude.path("error_rate").asDouble()).isEqualTo(0.25);
        assertThat(claude.path("latency_p95_ms").asLong()).isEqualTo(300);
        assertThat(claude.path("mean_cost_usd").decimalValue()).isEqualByComparingTo("0.001");
        assertThat(claude.path("mean_score").asDouble()).isEqualTo(0.625);
        JsonNode gpt = json.path("rows").get(1);
        assertThat(gpt.path("failed_or_cancelled").asLong()).isEqualTo(1);
        assertThat(gpt.path("latency_p50_ms").isNull()).isTrue();
        assertThat(gpt.path("mean_cost_usd").isNull()).isTrue();
        assertThat(gpt.path("mean_score").isNull()).isTrue();
    }

    /**
     * Experiment "duel": variant gpt (5 requests, 1–10 March) and variant claude (22 requests, 10 March);
     * experiment "prompt-v2": one failed request; around them, requests in no experiment and outside the range.
     */
    private static void recordDuel(Database db) {
        try (GroupCommitLedger ledger = new GroupCommitLedger(db)) {
            ledger.record(request("g1", "alice", "duel", "gpt", "gpt-5.5", "completed", 100, 1_000L, "2026-03-01T00:00:00Z"));
            ledger.record(request("g2", "alice", "duel", "gpt", "gpt-5.5", "completed", 300, 2_000L, "2026-03-02T10:00:00Z"));
            ledger.record(request("g3", "bob", "duel", "gpt", "gpt-5.5", "completed", 200, null, "2026-03-02T11:00:00Z"));
            ledger.record(request("g4", "bob", "duel", "gpt", "gpt-5.5", "failed", 9_000, 0L, "2026-03-03T10:00:00Z"));
            ledger.record(request("g5", "bob", "duel", "gpt", "gpt-5.5", "completed", 400, 3_000L, "2026-03-10T10:00:00Z"));
            for (int i = 1; i <= 20; i++) {
                ledger.record(request("c" + i, "carol", "duel", "claude", "claude-sonnet-4-5", "completed", i * 10L,
                        i == 7 ? null : 1_000L, "2026-03-10T12:00:00Z"));
            }
            ledger.record(request("c-cancelled", "carol", "duel", "claude", "claude-sonnet-4-5", "cancelled", 5, 500L, "2026-03-10T13:00:00Z"));
            ledger.record(request("c-failed", "carol", "duel", "claude", "claude-haiku-4-5", "failed", 1, null, "2026-03-10T14:00:00Z"));
            ledger.record(request("p1", "alice", "prompt-v2", "short", "gpt-5.5", "failed", 40, null, "2026-03-20T10:00:00Z"));
            ledger.record(request("plain", "alice", null, null, "gpt-5.5", "completed", 1, 1L, "2026-03-05T10:00:00Z"));
            ledger.record(request("before", "alice", "duel", "gpt", "gpt-5.5", "completed", 1, 1L, "2026-02-28T23:59:59.999Z"));
            ledger.record(request("after", "alice", "duel", "gpt", "gpt-5.5", "completed", 1, 1L, "2026-04-01T00:00:00Z"));
        }
        AnswerFeedback feedback = new AnswerFeedback(db, new TestClock(TO));
        feedback.record("g1", "alice", 1, null);
        feedback.record("g3", "bob", 0.5, "slow");
        feedback.record("c2", "carol", 0.25, null);
        feedback.record("c-cancelled", "carol", 0.75, "it was fine until I left");
        feedback.record("plain", "alice", 0, null);
    }
}
