package dev.quarry.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.canonical.Usage;
import dev.quarry.identity.IdentityStore;
import dev.quarry.identity.MasterKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.store.Database;
import dev.quarry.store.StoredTimes;
import dev.quarry.testing.StoreTargets;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Ledger sums by principal, model, tag and day, and their renderings, on SQLite and PostgreSQL. */
class UsageReportTest {
    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-02-01T00:00:00Z");

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void sumsRequestsTokensAndCostByEachGrouping(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target)); GroupCommitLedger ledger = new GroupCommitLedger(db)) {
            IdentityStore identities = new IdentityStore(db, MasterKey.generate());
            String alice = identities.createPrincipal("alice", PrincipalKind.USER, Map.of("team", "search")).id();
            String bob = identities.createPrincipal("bob", PrincipalKind.USER, Map.of()).id();
            ledger.record(row("r1", alice, "claude", "2026-01-05T10:00:00Z", new Usage(100, 10, 1000, 0), 1_500L));
            ledger.record(row("r2", alice, "gpt-5.5", "2026-01-05T23:00:00Z", new Usage(200, 20, 0, 0), 2_250L));
            ledger.record(row("r3", bob, "claude", "2026-01-06T00:00:00Z", new Usage(300, 30, 0, 50), null));
            ledger.record(row("r4", bob, "claude", "2026-02-01T00:00:00Z", new Usage(999, 999, 0, 0), 99_999L)); // outside

            UsageReport report = new UsageReport(db);
            assertThat(report.rows(UsageReport.By.PRINCIPAL, FROM, TO)).containsExactly(
                    new UsageReport.Row("alice", 2, new Usage(300, 30, 1000, 0), new BigDecimal("0.003750"), 0),
                    new UsageReport.Row("bob", 1, new Usage(300, 30, 0, 50), new BigDecimal("0.000000"), 1));
            assertThat(report.rows(UsageReport.By.MODEL, FROM, TO)).extracting(UsageReport.Row::key, UsageReport.Row::requests)
                    .containsExactly(tuple("claude", 2L), tuple("gpt-5.5", 1L));
            assertThat(report.rows(UsageReport.By.TAG, FROM, TO)).extracting(UsageReport.Row::key, r -> r.cost().toPlainString())
                    .containsExactly(tuple("(untagged)", "0.000000"),
                            tuple("team=search", "0.003750"));
            assertThat(report.rows(UsageReport.By.DAY, FROM, TO)).extracting(UsageReport.Row::key, UsageReport.Row::requests)
                    .containsExactly(tuple("2026-01-05", 2L), tuple("2026-01-06", 1L));

            assertThat(report.daily(FROM, TO)).containsExactly(
                    new UsageReport.DailyUsage("claude", "direct", LocalDate.parse("2026-01-05"), new Usage(100, 10, 1000, 0),
                            new BigDecimal("0.001500"), 1, 0),
                    new UsageReport.DailyUsage("gpt-5.5", "direct", LocalDate.parse("2026-01-05"), new Usage(200, 20, 0, 0),
                            new BigDecimal("0.002250"), 1, 0),
                    new UsageReport.DailyUsage("claude", "direct", LocalDate.parse("2026-01-06"), new Usage(300, 30, 0, 50),
                            new BigDecimal("0.000000"), 1, 1));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void countsRequestsByTheGuardrailTheyRanUnderAndWhatItDid(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target)); GroupCommitLedger ledger = new GroupCommitLedger(db)) {
            String alice = new IdentityStore(db, MasterKey.generate()).createPrincipal("alice", PrincipalKind.USER, Map.of()).id();
            ledger.record(guarded("g1", alice, Usage.ZERO, 0L, new UsageRecord.Guarding("strict:2", "INPUT_BLOCKED")));
            ledger.record(guarded("g2", alice, Usage.ZERO, 0L, new UsageRecord.Guarding("strict:2", "INPUT_BLOCKED")));
            ledger.record(guarded("g3", alice, new Usage(100, 40, 0, 0), 900L, new UsageRecord.Guarding("strict:2", "OUTPUT_ANONYMIZED")));
            ledger.record(guarded("g4", alice, new Usage(100, 40, 0, 0), 900L, new UsageRecord.Guarding("strict:2", "NONE")));
            ledger.record(guarded("g5", alice, new Usage(100, 40, 0, 0), 900L, UsageRecord.Guarding.NONE));

            assertThat(new UsageReport(db).rows(UsageReport.By.GUARDRAIL, FROM, TO))
                    .extracting(UsageReport.Row::key, UsageReport.Row::requests, r -> r.usage().outputTokens())
                    .containsExactly(tuple("(none)", 1L, 40L), tuple("strict:2 INPUT_BLOCKED", 2L, 0L), tuple("strict:2 NONE", 1L, 40L),
                            tuple("strict:2 OUTPUT_ANONYMIZED", 1L, 40L));
        }
    }

    @Test
    void rendersTableCsvAndJson() throws Exception {
        List<UsageReport.Row> rows = List.of(
                new UsageReport.Row("team=search, west", 2, new Usage(300, 30, 1000, 0), new BigDecimal("0.003750"), 0));
        assertThat(ReportFormat.of("table").render(UsageReport.By.TAG, rows)).containsPattern(
                "TAG\\s+REQUESTS\\s+INPUT\\s+OUTPUT\\s+CACHE_READ\\s+CACHE_WRITE\\s+COST_USD\\s+UNPRICED\\n"
                        + "team=search, west\\s+2\\s+300\\s+30\\s+1000\\s+0\\s+0.003750\\s+0\\n");
        assertThat(ReportFormat.of("CSV").render(UsageReport.By.TAG, rows)).isEqualTo("""
                tag,requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,unpriced_requests
                "team=search, west",2,300,30,1000,0,0.003750,0
                """);
        var json = new ObjectMapper().readTree(ReportFormat.of("json").render(UsageReport.By.TAG, rows));
        assertThat(json.path("by").asText()).isEqualTo("tag");
        assertThat(json.path("rows").get(0).path("cost_usd").decimalValue()).isEqualByComparingTo("0.00375");
        assertThat(json.path("rows").get(0).path("cache_read_tokens").asLong()).isEqualTo(1000);
        assertThatThrownBy(() -> ReportFormat.of("xml")).hasMessage("unknown format 'xml'; choose table, csv or json");
        assertThatThrownBy(() -> UsageReport.By.of("team")).hasMessage("cannot group by 'team'; choose principal, model, tag, day, guardrail, user, session or agent");
    }

    /**
     * Ledger rows keep the agent session and turn a call was made for; grouped by session or by the
     * session's saved agent ({@code inline} when it has none), rows outside any session are left out.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void groupsTheCallsOfAgentSessionsBySessionAndBySavedAgent(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target)); GroupCommitLedger ledger = new GroupCommitLedger(db)) {
            String alice = new IdentityStore(db, MasterKey.generate()).createPrincipal("alice", PrincipalKind.USER, Map.of()).id();
            agentSession(db, "sesn_saved", "agent_triage");
            agentSession(db, "sesn_inline", null);
            ledger.record(inSession(row("r1", alice, "claude", "2026-01-05T10:00:00Z", new Usage(100, 10, 0, 0), 1_000L), "sesn_saved", "turn_1"));
            ledger.record(inSession(row("r2", alice, "claude", "2026-01-05T11:00:00Z", new Usage(200, 20, 0, 0), 2_000L), "sesn_saved", "turn_2"));
            ledger.record(inSession(row("r3", alice, "claude", "2026-01-06T10:00:00Z", new Usage(300, 30, 0, 0), 3_000L), "sesn_inline", "turn_1"));
            ledger.record(row("r4", alice, "claude", "2026-01-06T11:00:00Z", new Usage(400, 40, 0, 0), 4_000L));
            ledger.record(inSession(row("r5", alice, "claude", "2026-01-07T10:00:00Z", new Usage(1, 1, 0, 0), 0L), "s".repeat(100), "t".repeat(100)));

            UsageRecord stored = new UsageQueries(db).byRequestId("r2").orElseThrow();
            assertThat(stored).extracting(UsageRecord::sessionId, UsageRecord::turnId).containsExactly("sesn_saved", "turn_2");
            assertThat(new UsageQueries(db).byRequestId("r4").orElseThrow().sessionId()).isNull();
            UsageRecord bounded = new UsageQueries(db).byRequestId("r5").orElseThrow();
            assertThat(bounded.sessionId()).startsWith("sss").hasSizeLessThanOrEqualTo(40);
            assertThat(bounded.turnId()).startsWith("ttt").hasSizeLessThanOrEqualTo(40);

            UsageReport report = new UsageReport(db);
            assertThat(report.rows(UsageReport.By.SESSION, FROM, TO)).extracting(UsageReport.Row::key, UsageReport.Row::requests,
                    r -> r.cost().toPlainString()).containsExactly(tuple("sesn_inline", 1L, "0.003000"), tuple("sesn_saved", 2L, "0.003000"),
                    tuple(bounded.sessionId(), 1L, "0.000000"));
            assertThat(report.rows(UsageReport.By.AGENT, FROM, TO)).extracting(UsageReport.Row::key, UsageReport.Row::requests)
                    .containsExactly(tuple("agent_triage", 2L), tuple("inline", 2L));
            assertThat(report.rows(UsageReport.By.of("agent"), FROM, TO)).isEqualTo(report.rows(UsageReport.By.AGENT, FROM, TO));
        }
    }

    private static UsageRecord inSession(UsageRecord r, String sessionId, String turnId) {
        return new UsageRecord(r.requestId(), r.principalId(), r.onBehalfOf(), r.surface(), r.operation(), r.model(), r.provider(),
                r.upstreamModel(), r.usage(), r.latencyMillis(), r.status(), r.errorKind(), r.createdAt(), r.platform(), r.costMicros(),
                r.routing(), r.guarding(), sessionId, turnId);
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

    @Test
    void reportBoundsAreDaysOrInstants() {
        assertThat(StoredTimes.dayOrInstant("2026-01-31")).isEqualTo(Instant.parse("2026-01-31T00:00:00Z"));
        assertThat(StoredTimes.dayOrInstant("2026-01-31T12:30:00Z")).isEqualTo(Instant.parse("2026-01-31T12:30:00Z"));
        assertThatThrownBy(() -> StoredTimes.dayOrInstant("yesterday")).hasMessageContaining("neither a day like 2026-01-31");
    }

    private static UsageRecord guarded(String id, String principal, Usage usage, long costMicros, UsageRecord.Guarding guarding) {
        return new UsageRecord(id, principal, "openai.chat", "chat", "claude", "p", "claude", usage, 1, "completed", null,
                Instant.parse("2026-01-10T00:00:00Z"), "direct", costMicros, new UsageRecord.Routing(1, null, null), guarding);
    }

    private static UsageRecord row(String id, String principal, String model, String at, Usage usage, Long costMicros) {
        return new UsageRecord(id, principal, "openai.chat", "chat", model, "p", model, usage, 1, "completed", null, Instant.parse(at),
                "direct", costMicros, new UsageRecord.Routing(1, null, null), null);
    }
}
