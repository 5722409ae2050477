package dev.quarry.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** Waits for what Quarry writes behind a request (audit events, ledger rows), briefly. */
public final class Eventually {
    private static final Duration PATIENCE = Duration.ofSeconds(5);

    private Eventually() {}

    /** The single item {@code find} returns once it returns any, asking again for up to five seconds. */
    public static <T> T theOne(Supplier<List<T>> find) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            List<T> found = find.get();
            if (!found.isEmpty() || System.nanoTime() > deadline) {
                assertThat(found).hasSize(1);
                return found.getFirst();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Runs {@code check} until it passes, for up to {@code patience}; then its last failure is thrown. */
    public static void within(Duration patience, Runnable check) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) throw e;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
