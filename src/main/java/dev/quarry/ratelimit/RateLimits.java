package dev.quarry.ratelimit;

import java.time.Clock;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The configured limits and the counters behind them: turns one request into the charges it
 * makes against every limit that matches it and asks the limiter to admit them together.
 */
public final class RateLimits implements AutoCloseable {
    private static final String REDIS_PREFIX = "quarry:ratelimit:";

    private final List<RateLimit> limits;
    private final RateLimiter limiter;

    public RateLimits(List<RateLimit> limits, RateLimiter limiter) {
        this.limits = List.copyOf(limits);
        this.limiter = limiter;
    }

    /** Counters in memory, or in Redis (falling back to memory while it is down) when a URL is given. */
    public static RateLimits create(List<RateLimit> limits, URI redisUrl, Clock clock) {
        LocalRateLimiter local = new LocalRateLimiter(clock);
        return new RateLimits(limits, redisUrl == null ? local : RedisRateLimiter.connect(redisUrl, REDIS_PREFIX, local));
    }

    public boolean isEmpty() {
        return limits.isEmpty();
    }

    /** Whether any limit has this scope: attempts are checked against deployment and model limits only when some exist. */
    public boolean limits(Scope scope) {
        return limits.stream().anyMatch(l -> l.scope() == scope);
    }

    /**
     * Counts one request, and its reserved tokens, against every limit that matches it.
     *
     * @param reservedTokens the most the request may use: its prompt estimate plus its output allowance
     */
    public Admission admit(Subjects subjects, long reservedTokens) {
        List<Charge> charges = charges(subjects, reservedTokens);
        if (charges.isEmpty()) return new Admission.Admitted(actual -> { });
        for (Charge charge : charges) {
            if (charge.exceedsLimitAlone()) return new Admission.Refused(charge, null);
        }
        return limiter.admit(charges);
    }

    private List<Charge> charges(Subjects subjects, long reservedTokens) {
        List<Charge> charges = new ArrayList<>();
        for (RateLimit limit : limits) {
            for (String subject : subjects.in(limit.scope())) {
                if (!limit.appliesTo(subject)) continue;
                String who = limit.scope().configName() + (limit.name().equals(RateLimit.EACH) ? " (each one) " : " ") + "'" + subject + "'";
                if (limit.requestsPerMinute() > 0) {
                    charges.add(new Charge(limit.counterKey(subject, "requests"), limit.requestsPerMinute(), 1, false,
                            "requests_per_minute " + limit.requestsPerMinute() + " for " + who));
                }
                if (limit.tokensPerMinute() > 0) {
                    charges.add(new Charge(limit.counterKey(subject, "tokens"), limit.tokensPerMinute(), reservedTokens, true,
                            "tokens_per_minute " + limit.tokensPerMinute() + " for " + who));
                }
            }
        }
        return charges;
    }

    @Override
    public void close() {
        limiter.close();
    }
}
