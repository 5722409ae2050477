package dev.quarry.ratelimit;

/** Replaces an admitted request's token reservation with what it actually used. */
@FunctionalInterface
public interface TokenSettlement {
    /** Call exactly once; a second call would correct twice. */
    void settle(long actualTokens);
}
