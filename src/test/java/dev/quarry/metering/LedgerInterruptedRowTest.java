package dev.quarry.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.Usage;
import dev.quarry.identity.IdentityStore;
import dev.quarry.identity.MasterKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.store.Database;
import dev.quarry.store.StoreException;
import dev.quarry.testing.StoreTargets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A node that resumes an agent turn writes an {@code interrupted} row (the prompt's estimate, no
 * output) for a model call whose node it took the turn from. When that node was only cut off,
 * not dead, its call may still end and settle: the real record then replaces the estimate. A
 * real record is never replaced.
 */
class LedgerInterruptedRowTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void theRealRecordOfACallReplacesItsInterruptedEstimate(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target)); GroupCommitLedger ledger = new GroupCommitLedger(db)) {
            String principal = new IdentityStore(db, MasterKey.generate()).ensurePrincipal("alice", PrincipalKind.USER).id();
            db.transaction(c -> {
                try (var s = c.prepareStatement("INSERT INTO usage_ledger (request_id, principal_id, surface, operation, model, input_tokens, "
                        + "output_tokens, cache_read_tokens, cache_write_tokens, latency_ms, status, created_at, attempts, session_id, turn_id) "
                        + "VALUES ('req_cut', ?, 'agents.harness', 'chat', 'slow', 120, 0, 0, 0, 900, 'interrupted', 1, 1, 'sess_1', 'turn_1')")) {
                    s.setString(1, principal);
                    return s.executeUpdate();
                }
            });
            UsageRecord real = new UsageRecord("req_cut", principal, null, "agents.harness", "chat", "slow", "slow-upstream", "slow",
                    new Usage(118, 40, 0, 0), 2_400, "completed", null, Instant.now().truncatedTo(ChronoUnit.MILLIS), null, null,
                    new UsageRecord.Routing(1, null, null), null, "sess_1", "turn_1");

            ledger.record(real);
            assertThat(new UsageQueries(db).byRequestId("req_cut")).hasValue(real);

            UsageRecord again = new UsageRecord("req_cut", principal, "openai.chat", "chat", "other", null, null, new Usage(1, 1, 0, 0), 1,
                    "completed", null, Instant.now(), null, null, new UsageRecord.Routing(1, null, null), null);
            assertThatThrownBy(() -> ledger.record(again)).isInstanceOf(StoreException.class);
            assertThat(new UsageQueries(db).byRequestId("req_cut")).hasValue(real);
        }
    }
}
