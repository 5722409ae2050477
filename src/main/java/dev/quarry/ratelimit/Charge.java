package dev.quarry.ratelimit;

/**
 * What admitting one request adds to one counter.
 *
 * @param key         the counter, the same on every node
 * @param limit       how much the counter may hold per window
 * @param cost        what this request adds: 1 request, or its reserved tokens
 * @param tokens      whether this counter counts tokens (and is corrected to the actual usage later)
 * @param description the limit in words, for the refusal: {@code requests_per_minute 10 for principal 'alice'}
 */
public record Charge(String key, long limit, long cost, boolean tokens, String description) {
    /** A cost no window can ever hold: waiting does not help. */
    boolean exceedsLimitAlone() {
        return cost > limit;
    }
}
