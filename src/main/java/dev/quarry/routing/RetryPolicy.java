package dev.quarry.routing;

import java.time.Duration;
import java.util.Objects;

/**
 * The budget one request has for reaching an answer. Quarry's router is the only component that
 * retries (providers never do), so these numbers are the whole story.
 *
 * @param maxAttempts      upstream calls per request, retries and fallbacks included
 * @param attemptsPerModel upstream calls spent on one model before its fallbacks are tried
 * @param initialBackoff   the wait before calling a deployment that already failed this request,
 *                         doubled at each further round, with jitter
 * @param maxBackoff       the longest such wait; also the longest Retry-After honoured by waiting
 *                         (a longer one sends the request elsewhere instead)
 * @param attemptTimeout   how long one attempt may take to produce its first event
 * @param totalTimeout     how long all attempts and waits together may take before the first event
 */
public record RetryPolicy(int maxAttempts, int attemptsPerModel, Duration initialBackoff, Duration maxBackoff,
                          Duration attemptTimeout, Duration totalTimeout) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(4, 2, Duration.ofMillis(100), Duration.ofSeconds(2),
            Duration.ofSeconds(60), Duration.ofSeconds(180));

    public RetryPolicy {
        if (maxAttempts < 1 || attemptsPerModel < 1) throw new IllegalArgumentException("attempts must be at least 1");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(attemptTimeout, "attemptTimeout");
        Objects.requireNonNull(totalTimeout, "totalTimeout");
    }
}
