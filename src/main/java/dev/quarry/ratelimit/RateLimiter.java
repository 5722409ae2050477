package dev.quarry.ratelimit;

import java.util.List;

/** Keeps the counters of rate limits and decides from them; see {@link SlidingWindow} for the rule. */
public interface RateLimiter extends AutoCloseable {
    /**
     * Counts a request against all its charges, or against none when any of them is full: a
     * request one limit refuses must not use up another's room. Every charge must fit its limit
     * on its own ({@link Charge#exceedsLimitAlone()} is checked before).
     */
    Admission admit(List<Charge> charges);

    @Override
    void close();
}
