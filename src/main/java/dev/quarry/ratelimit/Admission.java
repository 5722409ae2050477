package dev.quarry.ratelimit;

import java.time.Duration;

/** A rate limiter's answer. */
public sealed interface Admission {
    /** Counted; the reserved tokens must be settled once the actual usage is known. */
    record Admitted(TokenSettlement settlement) implements Admission {}

    /**
     * @param charge     the limit that refused it (the one that frees last, when several did)
     * @param retryAfter when that limit will have room for it; {@code null} when it never will
     */
    record Refused(Charge charge, Duration retryAfter) implements Admission {}
}
