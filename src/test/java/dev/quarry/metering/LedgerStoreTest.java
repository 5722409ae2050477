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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
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

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aHostileModelNameAmongFortyGoodRecordsIsStoredBoundedAndCostsNobodyTheirRow(String target) throws Exception {
        try (Database db = Database.open(StoreTargets.freshUrl(target)); GroupCommitLedger ledger = new GroupCommitLedger(db)) {
            String principal = new IdentityStore(db, MasterKey.generate()).ensurePrincipal("dave", PrincipalKind.USER).id();
            List<UsageRecord> records = new ArrayList<>();
            for (int i = 0; i < 40; i++) records.add(record("req_" + i, principal, "quarry/echo"));
            records.add(20, record("req_hostile", principal, "x".repeat(300) + "\0\uD800"));
            recordAll(ledger, records).forEach(LedgerStoreTest::join);

            assertThat(new UsageQueries(db).recentFor(principal, 100)).hasSize(41);
            assertThat(new UsageQueries(db).byRequestId("req_hostile")).hasValueSatisfying(r -> {
                assertThat(r.model()).hasSizeLessThanOrEqualTo(200).startsWith("xxx").endsWith("…(302 chars)").doesNotContain("\0");
                assertThat(r.costMicros()).isEqualTo(1_500L);
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aRecordTheStoreRefusesIsStoredReducedAndOnlyAnUnstorableOneFailsItsCaller(String target) throws Exception {
        try (Database db = Database.open(StoreTargets.freshUrl(target)); GroupCommitLedger ledger = new GroupCommitLedger(db)) {
            String principal = new IdentityStore(db, MasterKey.generate()).ensurePrincipal("erin", PrincipalKind.USER).id();
            refuseModel(db, target, "refused-model");
            ledger.record(record("req_taken", principal, "quarry/echo"));
            List<UsageRecord> records = new ArrayList<>();
            for (int i = 0; i < 40; i++) records.add(record("req_" + i, principal, "quarry/echo"));
            records.add(10, record("req_refused", principal, "refused-model"));
            records.add(30, record("req_taken", principal, "quarry/echo"));
            List<Future<?>> writes = recordAll(ledger, records);

            assertThatThrownBy(writes.get(30)::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(StoreException.class);
            writes.stream().filter(w -> w != writes.get(30)).forEach(LedgerStoreTest::join);
            assertThat(new UsageQueries(db).recentFor(principal, 100)).hasSize(42);
            assertThat(new UsageQueries(db).byRequestId("req_refused")).hasValueSatisfying(r -> {
                assertThat(r.model()).isEqualTo(UsageRecord.UNRECORDABLE);
                assertThat(r.usage()).isEqualTo(new Usage(10, 5, 0, 0));
                assertThat(r.costMicros()).isEqualTo(1_500L);
                assertThat(r.status()).isEqualTo("completed");
            });
        }
    }

    /** A store briefly unable to take any record (here its table is away) loses nobody's attribution: the record is retried, not reduced. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aRecordTheStoreFailsOnForAMomentIsRetriedWhole(String target) throws Exception {
        try (Database db = Database.open(StoreTargets.freshUrl(target)); GroupCommitLedger ledger = new GroupCommitLedger(db)) {
            String principal = new IdentityStore(db, MasterKey.generate()).ensurePrincipal("erin", PrincipalKind.USER).id();
            renameLedger(db, "usage_ledger", "usage_ledger_away");
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<?> write = threads.submit(() -> ledger.record(record("req_transient", principal, "quarry/echo")));
                Thread.sleep(40);
                renameLedger(db, "usage_ledger_away", "usage_ledger");
                write.get();
            }
            assertThat(new UsageQueries(db).byRequestId("req_transient")).hasValueSatisfying(r -> assertThat(r.model()).isEqualTo("quarry/echo"));
        }
    }

    private static void renameLedger(Database db, String from, String to) {
        db.transaction(c -> {
            try (var s = c.createStatement()) {
                return s.executeUpdate("ALTER TABLE " + from + " RENAME TO " + to);
            }
        });
    }

    private static UsageRecord record(String requestId, String principal, String model) {
        return new UsageRecord(requestId, principal, "openai.chat", "chat", model, "quarry-echo", "echo", new Usage(10, 5, 0, 0), 1,
                "completed", null, Instant.now(), "local", 1_500L, new UsageRecord.Routing(1, null, null), null);
    }

    private static List<Future<?>> recordAll(Ledger ledger, List<UsageRecord> records) {
        List<Future<?>> writes = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (UsageRecord r : records) writes.add(threads.submit(() -> ledger.record(r)));
        }
        return writes;
    }

    /** The outcome of a write that has ended (recordAll waits for all of them). */
    private static void join(Future<?> write) {
        try {
            write.get();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError("a good record failed", e);
        }
    }

    /** A store that refuses one value of a column, as a constraint an operator added would. */
    private static void refuseModel(Database db, String target, String model) {
        db.transaction(c -> {
            try (var s = c.createStatement()) {
                return s.executeUpdate(target.equals("sqlite")
                        ? "CREATE TRIGGER refuse_model BEFORE INSERT ON usage_ledger WHEN NEW.model = '" + model + "' "
                                + "BEGIN SELECT RAISE(ABORT, 'refused'); END"
                        : "ALTER TABLE usage_ledger ADD CONSTRAINT refuse_model CHECK (model <> '" + model + "')");
            }
        });
    }
}
