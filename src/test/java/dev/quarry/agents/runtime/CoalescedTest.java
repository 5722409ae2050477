package dev.quarry.agents.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Every input kicks the runtime's claim. Run once per kick, a burst of 100 inputs left hundreds of
 * threads queued on the claim, each a write transaction of its own (bench/agents: ~550 waiting in
 * each thread dump, SQLite writes queued behind them); coalesced, a burst costs one more claim.
 */
class CoalescedTest {
    @Test
    void aBurstOfRequestsDuringARunCostsOneMoreRun() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch firstStarted = new CountDownLatch(1), release = new CountDownLatch(1);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Coalesced claim = new Coalesced(executor, () -> {
                if (runs.incrementAndGet() == 1) {
                    firstStarted.countDown();
                    await(release);
                }
            });
            claim.request();
            assertThat(firstStarted.await(5, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 1000; i++) claim.request();
            release.countDown();
        }
        assertThat(runs).hasValue(2);
    }

    @Test
    void aRequestAfterARunEndedRunsAgain() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Coalesced claim = new Coalesced(executor, runs::incrementAndGet);
            for (int i = 1; i <= 3; i++) {
                claim.request();
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (runs.get() < i && System.nanoTime() < until) Thread.sleep(1);
                assertThat(runs).hasValue(i);
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
