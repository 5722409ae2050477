package dev.quarry.pricing;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps a process's {@link PriceSheet} in step with the store: polls the {@code pricing} store
 * version and reloads the sheet when it moved (a load by this process, the CLI or another node).
 */
public final class PricingRefresh implements AutoCloseable {
    /** A new price is in force on every node within a second. */
    public static final Duration POLL = Duration.ofMillis(500);
    private static final Logger LOG = Logger.getLogger(PricingRefresh.class.getName());

    private final PriceStore store;
    private final PriceSheet sheet;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("pricing-refresh").factory());
    private long version;

    private PricingRefresh(PriceStore store, PriceSheet sheet, Duration poll) {
        this.store = store;
        this.sheet = sheet;
        this.version = store.version();
        timer.scheduleWithFixedDelay(this::poll, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static PricingRefresh start(PriceStore store, PriceSheet sheet) {
        return new PricingRefresh(store, sheet, POLL);
    }

    // Read the version before the entries: a change landing in between is then seen on the next poll.
    private void poll() {
        try {
            long now = store.version();
            if (now == version) return;
            sheet.reload();
            version = now;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not check the store for price changes; retrying", e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
