package dev.quarry.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.testing.StoreTargets;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A unit that throws an Error (not a RuntimeException) inside a shared transaction. */
class GroupCommitErrorTest {
    @Test
    void anErrorInOneUnitNeitherCommitsNorDoublesTheOthers() throws Exception {
        try (Database db = Database.open(StoreTargets.freshUrl("sqlite"))) {
            db.transaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE review_t (k TEXT PRIMARY KEY)");
                }
                return null;
            });
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch open = new CountDownLatch(1);
            CompletableFuture<Object> gate = CompletableFuture.supplyAsync(() -> db.commitGrouped(s -> {
                running.countDown();
                try {
                    open.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Object> a = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                try {
                    a.complete(db.commitGrouped(s -> {
                        try (Statement st = s.connection().createStatement()) {
                            st.executeUpdate("INSERT INTO review_t VALUES ('a')");
                        }
                        return "a";
                    }));
                } catch (Throwable t) {
                    a.completeExceptionally(t);
                }
            });
            CompletableFuture<Object> b = new CompletableFuture<>();
            Thread.sleep(100);
            Thread.ofPlatform().start(() -> {
                try {
                    b.complete(db.commitGrouped(s -> {
                        throw new StackOverflowError("review: an Error inside a unit");
                    }));
                } catch (Throwable t) {
                    b.completeExceptionally(t);
                }
            });
            Thread.sleep(100);
            open.countDown();
            gate.get(10, TimeUnit.SECONDS);
            Throwable aFailed = null;
            try {
                a.get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                aFailed = e.getCause();
            }
            long rows = db.read(c -> {
                try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM review_t")) {
                    r.next();
                    return r.getLong(1);
                }
            });
            assertThat(aFailed).as("unit a committed, so its caller must not be told it failed").isNull();
            assertThat(rows).isEqualTo(1);
        }
    }
}
