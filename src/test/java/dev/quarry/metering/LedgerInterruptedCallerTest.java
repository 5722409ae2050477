package dev.quarry.metering;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.canonical.Usage;
import dev.quarry.identity.IdentityStore;
import dev.quarry.identity.MasterKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.store.Database;
import dev.quarry.testing.StoreTargets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A caller whose thread carries an interrupt into {@code record} (a cancelled request settling) still has its row written once, and is told so. */
class LedgerInterruptedCallerTest {
    @Test
    void anInterruptedCallersRowIsStoredAndItsCallerToldTheTruth() {
        try (Database db = Database.open(StoreTargets.freshUrl("sqlite"))) {
            String principal = new IdentityStore(db, MasterKey.generate()).ensurePrincipal("frank", PrincipalKind.USER).id();
            GroupCommitLedger ledger = new GroupCommitLedger(db);
            Thread.currentThread().interrupt();
            try {
                ledger.record(record("req_interrupted", principal));
            } finally {
                assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
            }
            assertThat(new UsageQueries(db).byRequestId("req_interrupted")).isPresent();
            ledger.close();
        }
    }

    private static UsageRecord record(String id, String principal) {
        return new UsageRecord(id, principal, "openai.chat", "chat", "quarry/echo", "quarry-echo", "echo", new Usage(10, 5, 0, 0), 1,
                "completed", null, Instant.now(), "local", 1_500L, new UsageRecord.Routing(1, null, null), null);
    }
}
