package dev.quarry.identity;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes when keys were last used, in one batch every {@link #FLUSH}, from what the authenticator
 * noted in memory, so that using a key never costs a database write. Closing it writes the last
 * batch.
 */
public final class KeyUsageWriter implements AutoCloseable {
    public static final Duration FLUSH = Duration.ofSeconds(30);
    private static final Logger LOG = Logger.getLogger(KeyUsageWriter.class.getName());

    private final Authenticator authenticator;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("key-usage-writer").factory());

    private KeyUsageWriter(Authenticator authenticator, Duration flush) {
        this.authenticator = authenticator;
        timer.scheduleWithFixedDelay(this::flush, flush.toMillis(), flush.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static KeyUsageWriter start(Authenticator authenticator) {
        return new KeyUsageWriter(authenticator, FLUSH);
    }

    // A failure (the store briefly unreachable) is logged and retried on the next tick: an
    // exception escaping a scheduled task would cancel it for good.
    private void flush() {
        try {
            authenticator.flushUsage();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not record when keys were last used; retrying", e);
        }
    }

    @Override
    public void close() {
        timer.shutdown();
        try {
            if (!timer.awaitTermination(5, TimeUnit.SECONDS)) timer.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
