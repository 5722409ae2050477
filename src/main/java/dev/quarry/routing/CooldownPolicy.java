package dev.quarry.routing;

import java.time.Duration;
import java.util.Objects;

/**
 * When a failing deployment is taken out of every request's choice (the circuit opens): after
 * {@code allowedFailures} failures within {@code window}, for {@code cooldown}; then one request
 * probes it, and it is back if that succeeds. A throttled deployment cools down for its upstream's
 * Retry-After, or {@code throttledCooldown} when the upstream named none.
 */
public record CooldownPolicy(int allowedFailures, Duration window, Duration cooldown, Duration throttledCooldown) {
    public static final CooldownPolicy DEFAULT = new CooldownPolicy(3, Duration.ofSeconds(60), Duration.ofSeconds(30),
            Duration.ofSeconds(1));

    public CooldownPolicy {
        if (allowedFailures < 1) throw new IllegalArgumentException("allowed failures must be at least 1");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(cooldown, "cooldown");
        Objects.requireNonNull(throttledCooldown, "throttledCooldown");
    }
}
