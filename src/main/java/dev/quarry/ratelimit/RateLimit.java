package dev.quarry.ratelimit;

import java.util.Objects;

/**
 * One configured limit.
 *
 * @param name              which principal, group, model or deployment; {@link #EACH} limits each one separately
 * @param requestsPerMinute 0 when requests are not limited
 * @param tokensPerMinute   0 when tokens are not limited
 */
public record RateLimit(Scope scope, String name, long requestsPerMinute, long tokensPerMinute) {
    public static final String EACH = "*";

    public RateLimit {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(name, "name");
        if (requestsPerMinute < 0 || tokensPerMinute < 0) throw new IllegalArgumentException("limits cannot be negative");
        if (requestsPerMinute == 0 && tokensPerMinute == 0) throw new IllegalArgumentException("a rate limit must limit something");
    }

    boolean appliesTo(String subject) {
        return name.equals(EACH) || name.equals(subject);
    }

    /**
     * The counter of this limit for one subject. A limit on everyone and a limit on one name keep
     * separate counters even for the same subject, since both apply.
     */
    String counterKey(String subject, String measure) {
        return scope.configName() + (name.equals(EACH) ? "*" : "") + ":" + subject + ":" + measure;
    }
}
