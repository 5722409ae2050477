package dev.quarry.gateway;

/**
 * One job on the governed path. A step either answers by itself (usually a rejection) or calls
 * {@link Chain#proceed} exactly once and returns, possibly decorated, what the rest produced.
 * It may throw {@link dev.quarry.canonical.QuarryException}; the chain turns that into
 * {@link Outcome.Rejected}, and anything else it throws into an internal error (see {@link Pipeline}).
 */
public interface Step {
    /** A short name, used in logs and in errors about this step. */
    String name();

    Outcome apply(Exchange exchange, Chain chain);
}
