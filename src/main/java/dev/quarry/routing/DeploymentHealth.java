package dev.quarry.routing;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What routing knows of one deployment from the requests it served: requests in flight, a moving
 * average of time to first token, and its circuit — closed, open (cooling down after failures or
 * a throttle) or half-open (one request probes it). Shared by all requests; every method is cheap
 * and holds the lock only briefly.
 */
final class DeploymentHealth {
    /** Weight of the newest sample in the moving average: about the last ten requests count. */
    private static final double EWMA_ALPHA = 0.2;

    private final CooldownPolicy policy;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Times of recent failures, oldest first, within the policy's window. */
    private final ArrayDeque<Long> failures = new ArrayDeque<>();
    private double ewmaFirstTokenNanos = Double.NaN;
    /** {@link System#nanoTime()} until which the circuit is open; meaningful when {@code open}. */
    private long openUntil;
    private boolean open;
    private boolean probing;

    DeploymentHealth(CooldownPolicy policy) {
        this.policy = policy;
    }

    /** Whether a request may call it now: yes when closed; when open, only the first caller after the cooldown (the probe). */
    synchronized boolean tryAcquire(long now) {
        if (!open) return true;
        if (now - openUntil < 0 || probing) return false;
        probing = true;
        return true;
    }

    /** How long until it may be called again; zero when it may be now. */
    synchronized long nanosUntilAvailable(long now) {
        if (!open) return 0;
        return Math.max(0, openUntil - now);
    }

    void started() {
        inFlight.incrementAndGet();
    }

    void finished() {
        inFlight.decrementAndGet();
    }

    int inFlight() {
        return inFlight.get();
    }

    synchronized double ewmaFirstTokenNanos() {
        return ewmaFirstTokenNanos;
    }

    /** An attempt produced its first event after {@code firstTokenNanos}: the circuit closes. */
    synchronized void succeeded(long firstTokenNanos) {
        ewmaFirstTokenNanos = Double.isNaN(ewmaFirstTokenNanos) ? firstTokenNanos
                : EWMA_ALPHA * firstTokenNanos + (1 - EWMA_ALPHA) * ewmaFirstTokenNanos;
        answered();
    }

    /** An attempt answered, in a time that is no first token's (a whole answer): the circuit closes, the latency estimate stays. */
    synchronized void answered() {
        open = false;
        probing = false;
        failures.clear();
    }

    /** An attempt failed, or a stream broke: the circuit opens once there were too many in the window, or at once if probing. */
    synchronized void failed(long now) {
        failures.addLast(now);
        while (!failures.isEmpty() && now - failures.peekFirst() > policy.window().toNanos()) failures.removeFirst();
        if (probing || failures.size() >= policy.allowedFailures()) openFor(now, policy.cooldown().toNanos());
    }

    /** The upstream throttled: out of the choice for {@code nanos}, without counting as a failure. */
    synchronized void throttled(long now, long nanos) {
        openFor(now, nanos > 0 ? nanos : policy.throttledCooldown().toNanos());
    }

    /** The attempt ended without telling anything about the deployment (a refused request, a timeout of our own budget). */
    synchronized void released() {
        probing = false;
    }

    private void openFor(long now, long nanos) {
        long until = now + nanos;
        openUntil = open && openUntil - until > 0 ? openUntil : until;
        open = true;
        probing = false;
        failures.clear();
    }
}
