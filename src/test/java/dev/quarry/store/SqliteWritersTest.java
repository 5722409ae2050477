package dev.quarry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers of one process share SQLite's single write lock. SQLite's busy handler lets waiters sleep
 * and retry, so one writer can lose the lock to newcomers again and again until its busy timeout
 * ends in SQLITE_BUSY (seen as 10 s stalls and failed agent turns in bench/agents). Writers queue
 * in the process instead, in order, and never meet the busy handler.
 */
class SqliteWritersTest {
    @TempDir
    Path dir;

    @Test
    void concurrentWritersNeverRunOutOfBusyTimeout() throws Exception {
        try (Database db = Database.sqliteIn(dir)) {
            db.transaction(c -> run(c, "CREATE TABLE bench_rows (n INTEGER NOT NULL)"));
            shortBusyTimeoutOnEveryConnection(db, 0);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            int writers = 16, each = 100;
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int w = 0; w < writers; w++) {
                    pool.execute(() -> {
                        for (int i = 0; i < each; i++) {
                            try {
                                db.transaction(c -> {
                                    try (PreparedStatement p = c.prepareStatement("INSERT INTO bench_rows (n) VALUES (?)")) {
                                        p.setInt(1, 1);
                                        p.executeUpdate();
                                    }
                                    return null;
                                });
                            } catch (RuntimeException e) {
                                failures.add(e);
                            }
                        }
                    });
                }
            }
            assertThat(failures).isEmpty();
            long rows = db.read(c -> {
                try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM bench_rows")) {
                    r.next();
                    return r.getLong(1);
                }
            });
            assertThat(rows).isEqualTo((long) writers * each);
        }
    }

    @Test
    void aTransactionThatCouldNotBeginLeavesItsConnectionWhole() throws Exception {
        try (Database db = Database.sqliteIn(dir)) {
            db.transaction(c -> run(c, "CREATE TABLE bench_rows (n INTEGER NOT NULL)"));
            shortBusyTimeoutOnEveryConnection(db, 0);
            // another process holds the write lock: the writer fails to begin, time after time
            try (Connection other = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("quarry.db"))) {
                run(other, "BEGIN IMMEDIATE");
                for (int i = 0; i < 4; i++) {
                    assertThatThrownBy(() -> db.transaction(c -> run(c, "INSERT INTO bench_rows (n) VALUES (1)")))
                            .isInstanceOf(StoreException.class).hasMessageContaining("SQLITE_BUSY");
                }
                run(other, "ROLLBACK");
            }
            // the work that fails after its first write leaves nothing behind, time after time
            for (int i = 0; i < 4; i++) {
                assertThatThrownBy(() -> db.transaction(c -> {
                    run(c, "INSERT INTO bench_rows (n) VALUES (2)");
                    throw new IllegalStateException("the rest of the work failed");
                })).isInstanceOf(IllegalStateException.class);
            }
            long rows = db.read(c -> {
                try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM bench_rows")) {
                    r.next();
                    return r.getLong(1);
                }
            });
            assertThat(rows).isZero();
        }
    }

    /** Gives the writer and every pooled connection (borrowed all at once, by nested reads) a busy timeout of {@code millis}. */
    private static void shortBusyTimeoutOnEveryConnection(Database db, int millis) {
        db.transaction(c -> run(c, "PRAGMA busy_timeout=" + millis));
        List<Connection> seen = new ArrayList<>();
        borrowAll(db, seen, millis);
    }

    private static Void borrowAll(Database db, List<Connection> seen, int millis) {
        return db.read(c -> {
            if (seen.contains(c)) return null;
            seen.add(c);
            run(c, "PRAGMA busy_timeout=" + millis);
            return seen.size() < 4 ? borrowAll(db, seen, millis) : null;
        });
    }

    private static Void run(Connection c, String sql) throws java.sql.SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
        return null;
    }
}
