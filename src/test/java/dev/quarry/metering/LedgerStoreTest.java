package dev.quarry.metering;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.canonical.Usage;
import dev.quarry.identity.IdentityStore;
import dev.quarry.identity.MasterKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.store.Database;
import dev.quarry.testing.StoreTargets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The ledger's write path and read-back, on SQLite and PostgreSQL alike. */
class LedgerStoreTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aRecordedRequestReadsBackExactly(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target)); GroupCommitLedger ledger = new GroupCommitLedger(db)) {
            String principal = new IdentityStore(db, MasterKey.generate()).ensurePrincipal("alice", PrincipalKind.USER).id();
            UsageRecord record = new UsageRecord("req_1", principal, "openai.chat", "chat", "gpt-5.5", "openai", "gpt-5.5-2026",
                    new Usage(1200, 340, 800, 100), 432, "completed", null, Instant.now().truncatedTo(ChronoUnit.MILLIS), "direct",
                    4_850L, new UsageRecord.Routing(1, null, null), null);
            ledger.record(record);
            assertThat(new UsageQueries(db).byRequestId("req_1")).hasValue(record);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void concurrentRequestsAreAllDurableWhenRecordReturns(String target) throws Exception {
        int requests = 200;
        try (Database db = Database.open(StoreTargets.freshUrl(target)); GroupCommitLedger ledger = new GroupCommitLedger(db)) {
            String principal = new IdentityStore(db, MasterKey.generate()).ensurePrincipal("bob", PrincipalKind.USER).id();
            List<Future<?>> writes = new ArrayList<>();
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < requests; i++) {
                    String id = "req_" + i;
                    writes.add(threads.submit(() -> ledger.record(new UsageRecord(id, principal, "openai.responses", "chat",
                            "quarry/echo", "quarry-echo", "echo", new Usage(10, 5, 0, 0), 1, "completed", null, Instant.now(), "local",
                            null, new UsageRecord.Routing(1, null, null), null))));
                }
                for (Future<?> write : writes) write.get();
            }
            // Every record() has returned, so every record must already be readable.
            assertThat(new UsageQueries(db).recentFor(principal, 1000)).hasSize(requests);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void closingFlushesWhatWasQueued(String target) {
        String url = StoreTargets.freshUrl(target);
        String principal;
        try (Database db = Database.open(url)) {
            principal = new IdentityStore(db, MasterKey.generate()).ensurePrincipal("carol", PrincipalKind.USER).id();
            GroupCommitLedger ledger = new GroupCommitLedger(db);
            ledger.record(new UsageRecord("req_last", principal, "openai.chat", "chat", "m", null, null, Usage.ZERO, 1,
                    "failed", "MODEL_NOT_FOUND", Instant.now(), null, 0L, new UsageRecord.Routing(0, null, null), null));
            ledger.close();
        }
        try (Database reopened = Database.open(url)) {
            assertThat(new UsageQueries(reopened).byRequestId("req_last")).hasValueSatisfying(r -> {
                assertThat(r.status()).isEqualTo("failed");
                assertThat(r.errorKind()).isEqualTo("MODEL_NOT_FOUND");
            });
        }
    }
}
