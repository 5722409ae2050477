package dev.quarry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.testing.StoreTargets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Units of work several writers hand the store are committed together, and a unit the store
 * refuses fails alone: the others still commit. Each test first holds the group commit's writer
 * in a "gate" unit, queues the units under test behind it one by one, then lets it go, so that
 * they are one batch.
 */
class GroupCommitTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void unitsQueuedTogetherCommitInOneTransaction(String target) throws Exception {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            createTable(db);
            CountDownLatch open = new CountDownLatch(1);
            CompletableFuture<Long> gate = holdTheWriter(db, open);
            // Each unit counts the rows committed so far, on another connection: all three see only the gate's.
            List<CompletableFuture<Long>> units = List.of(
                    queue(db, s -> insertAndCountCommitted(db, s, "a")),
                    queue(db, s -> insertAndCountCommitted(db, s, "b")),
                    queue(db, s -> insertAndCountCommitted(db, s, "c")));
            open.countDown();

            assertThat(gate.get(10, TimeUnit.SECONDS)).isEqualTo(0L);
            for (CompletableFuture<Long> unit : units) assertThat(unit.get(10, TimeUnit.SECONDS)).isEqualTo(1L);
            assertThat(committedRows(db)).isEqualTo(4);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aUnitTheStoreRefusesFailsAloneAndTheOthersCommit(String target) throws Exception {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            createTable(db);
            CountDownLatch open = new CountDownLatch(1);
            CompletableFuture<Long> gate = holdTheWriter(db, open);
            AtomicInteger runsOfA = new AtomicInteger();
            CompletableFuture<Long> a = queue(db, s -> {
                runsOfA.incrementAndGet();
                return insert(s, "a");
            });
            CompletableFuture<Long> duplicate = queue(db, s -> insert(s, "gate"));
            CompletableFuture<Long> c = queue(db, s -> insert(s, "c"));
            open.countDown();

            gate.get(10, TimeUnit.SECONDS);
            assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo(1L);
            assertThat(c.get(10, TimeUnit.SECONDS)).isEqualTo(1L);
            assertThatThrownBy(() -> duplicate.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(StoreException.class).satisfies(e -> assertThat(StoreException.refusedTheData(e)).isTrue());
            assertThat(runsOfA).as("a ran in the shared transaction the duplicate spoiled, then alone").hasValue(2);
            assertThat(committedRows(db)).isEqualTo(3);
        }
    }

    /** Queues a unit that inserts "gate" and waits for {@code open}; returns once the writer is running it. */
    private static CompletableFuture<Long> holdTheWriter(Database db, CountDownLatch open) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CompletableFuture<Long> gate = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> complete(gate, () -> db.commitGrouped(s -> {
            insert(s, "gate");
            running.countDown();
            try {
                open.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return 0L;
        })));
        running.await();
        return gate;
    }

    /** Hands a unit over on a thread of its own and returns once that thread waits for the commit, so units queue in order. */
    private static CompletableFuture<Long> queue(Database db, GroupedWork<Long> work) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        Thread caller = Thread.ofPlatform().daemon().start(() -> complete(done, () -> db.commitGrouped(work)));
        while (caller.getState() != Thread.State.WAITING && !done.isDone()) Thread.onSpinWait();
        return done;
    }

    private static void complete(CompletableFuture<Long> done, java.util.function.Supplier<Long> commit) {
        try {
            done.complete(commit.get());
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
    }

    private static long insert(Statements s, String name) throws SQLException {
        PreparedStatement insert = s.prepared("INSERT INTO grouped (name) VALUES (?)");
        insert.setString(1, name);
        return insert.executeUpdate();
    }

    private static long insertAndCountCommitted(Database db, Statements s, String name) throws SQLException {
        insert(s, name);
        return committedRows(db);
    }

    private static long committedRows(Database db) {
        return db.read(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM grouped")) {
                r.next();
                return r.getLong(1);
            }
        });
    }

    private static void createTable(Database db) {
        db.transaction((Connection c) -> {
            try (Statement s = c.createStatement()) {
                return s.executeUpdate("CREATE TABLE grouped (name VARCHAR(20) PRIMARY KEY)");
            }
        });
    }
}
