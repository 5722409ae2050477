package dev.quarry.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.quarry.canonical.Usage;
import dev.quarry.identity.IdentityStore;
import dev.quarry.identity.MasterKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.store.Database;
import dev.quarry.testing.StoreTargets;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A record that races the ledger's close (a streamed answer cut at the shutdown deadline settling
 * late) is either written before the writer stops or refused at once; its caller never waits for
 * a writer that has gone.
 */
class LedgerCloseRaceTest {
    private static final long BOUND_SECONDS = 10;

    /**
     * Holds a record in the window between its "is the ledger open?" check and its queueing while
     * close runs as far as it can, then lets it go on: the interleaving that left the record queued
     * behind the writer's stop marker, and its caller waiting for good.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aRecordRacingCloseIsWrittenOrRefusedNeverLeftWaiting(String target) throws Exception {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            String principal = new IdentityStore(db, MasterKey.generate()).ensurePrincipal("frank", PrincipalKind.USER).id();
            AtomicReference<GroupCommitLedger> ledger = new AtomicReference<>();
            AtomicReference<Thread> closer = new AtomicReference<>();
            AtomicBoolean armed = new AtomicBoolean(true);
            ledger.set(new GroupCommitLedger(db, () -> {
                if (!armed.getAndSet(false)) return;
                Thread closing = Thread.ofPlatform().daemon().start(() -> ledger.get().close());
                closer.set(closing);
                awaitStoppedOrWaitingForALock(closing);
            }));

            CompletableFuture<Void> recorded = new CompletableFuture<>();
            // A daemon thread: before the fix it never returns, and must not keep the test JVM alive.
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    ledger.get().record(record(principal));
                    recorded.complete(null);
                } catch (RuntimeException e) {
                    recorded.completeExceptionally(e);
                }
            });

            try {
                recorded.get(BOUND_SECONDS, TimeUnit.SECONDS);
                assertThat(new UsageQueries(db).byRequestId("req_racing")).as("a record that returned is stored").isPresent();
            } catch (ExecutionException refused) {
                assertThat(refused.getCause()).isInstanceOf(IllegalStateException.class);
                assertThat(new UsageQueries(db).byRequestId("req_racing")).isEmpty();
            } catch (TimeoutException e) {
                fail("record did not return within " + BOUND_SECONDS + " s of a concurrent close: it was queued after the writer stopped");
            }
            closer.get().join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
            assertThat(closer.get().isAlive()).as("close returned").isFalse();
        }
    }

    /** A record after close is refused at once. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aRecordAfterCloseIsRefused(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            GroupCommitLedger ledger = new GroupCommitLedger(db);
            ledger.close();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ledger.record(record("p-none")))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    /**
     * Until the closing thread has either finished (it queued its stop marker and the writer
     * stopped) or is blocked waiting for a monitor the record holds: as far as close can get.
     */
    private static void awaitStoppedOrWaitingForALock(Thread closing) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
        while (closing.getState() != Thread.State.TERMINATED && closing.getState() != Thread.State.BLOCKED) {
            if (System.nanoTime() > deadline) throw new AssertionError("close neither finished nor waited: " + closing.getState());
            Thread.onSpinWait();
        }
    }

    private static UsageRecord record(String principal) {
        return new UsageRecord("req_racing", principal, "openai.chat", "chat", "quarry/echo", "quarry-echo", "echo", new Usage(10, 5, 0, 0), 1,
                "completed", null, Instant.now(), "local", 1_500L, new UsageRecord.Routing(1, null, null), null);
    }
}
