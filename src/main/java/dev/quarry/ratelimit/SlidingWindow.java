package dev.quarry.ratelimit;

import java.time.Duration;

/**
 * The counting rule every rate limiter here follows: a fixed one-minute window with carry (the
 * sliding-window counter). Each counter keeps what the current window and the previous window
 * admitted; the previous one still counts for the share of it that a minute-long window ending
 * now would overlap. A request fits when
 *
 * <pre>previous × (window − elapsed) / window + current + cost ≤ limit</pre>
 *
 * It needs two numbers per counter, whatever the traffic (a log of timestamps would need one per
 * request), it weighs tokens as easily as requests, and it never admits more than the limit in
 * any one window. {@link RedisRateLimiter}'s script applies the same rule to shared counters.
 */
final class SlidingWindow {
    static final Duration WINDOW = Duration.ofMinutes(1);

    private SlidingWindow() {}

    /**
     * How long until {@code cost} more fits, in milliseconds, assuming no other traffic; 0 when
     * it fits now. Integer arithmetic (scaled by the window) so every node rounds alike.
     *
     * @param elapsed milliseconds since the current window began
     * @throws IllegalArgumentException when the cost exceeds the limit (it never fits)
     */
    static long waitMillis(long previous, long current, long cost, long limit, long elapsed, long window) {
        if (cost > limit) throw new IllegalArgumentException("a cost of " + cost + " never fits a limit of " + limit);
        long remaining = window - elapsed;
        if (previous * remaining + (current + cost) * window <= limit * window) return 0;
        if (current + cost <= limit) {
            // Room appears within this window, as the previous window's share shrinks.
            return remaining - Math.floorDiv((limit - current - cost) * window, previous);
        }
        // Only once the window turns and this window's count starts shrinking in its turn.
        return remaining + window - Math.floorDiv((limit - cost) * window, current);
    }
}
