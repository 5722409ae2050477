package dev.quarry.routing;

import java.time.Duration;

/**
 * A deployment's configured capacity (requests or tokens per minute) has no room for a request, so
 * it was not called: routing passes on to the next deployment, and counts no attempt.
 */
public final class AtCapacity extends RuntimeException {
    private final transient Duration retryAfter;

    /** @param retryAfter when it will have room, {@code null} when never for a request this large */
    public AtCapacity(String message, Duration retryAfter) {
        super(message, null, false, false);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
