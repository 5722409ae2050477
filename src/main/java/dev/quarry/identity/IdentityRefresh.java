package dev.quarry.identity;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps one process's identity caches in step with the store, in the background: it polls the
 * identity version and, when it moved (a change by this process, the CLI or another node), has the
 * authenticator drop the keys it remembers; and it writes key last-use times in batches. (Policies
 * and group memberships are reloaded by the policy package's own poller, which watches both versions.)
 * Closing it writes the last batch.
 */
public final class IdentityRefresh implements AutoCloseable {
    /** A deleted key must stop working within a second; two polls fit. */
    public static final Duration POLL = Duration.ofMillis(500);
    public static final Duration FLUSH = Duration.ofSeconds(30);
    private static final Logger LOG = Logger.getLogger(IdentityRefresh.class.getName());

    private final IdentityStore store;
    private final Authenticator authenticator;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("identity-refresh").factory());
    private long version;

    IdentityRefresh(IdentityStore store, Authenticator authenticator, Duration poll, Duration flush) {
        this.store = store;
        this.authenticator = authenticator;
        this.version = store.version();
        timer.scheduleWithFixedDelay(this::poll, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::flush, flush.toMillis(), flush.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static IdentityRefresh start(IdentityStore store, Authenticator authenticator) {
        return new IdentityRefresh(store, authenticator, POLL, FLUSH);
    }

    // A failure (the store briefly unreachable) is logged and retried on the next tick: an
    // exception escaping a scheduled task would cancel it for good.
    private void poll() {
        try {
            long now = store.version();
            if (now == version) return;
            authenticator.forget();
            version = now;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not check the store for identity changes; retrying", e);
        }
    }

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
