package dev.quarry.gateway;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.SettlingStream;
import dev.quarry.identity.Principal;
import dev.quarry.ratelimit.Admission;
import dev.quarry.ratelimit.RateLimits;
import dev.quarry.ratelimit.Subjects;
import dev.quarry.ratelimit.TokenSettlement;
import java.util.List;
import java.util.function.Function;

/**
 * Admits a request only if every rate limit that matches it (its principal, each of its groups,
 * its model; for a role session also the assuming principal and its groups) has room, and counts it against all of them. Deployment limits are capacity, checked
 * by the invoke step for each deployment the request is sent to. Tokens are reserved
 * up front at the most the request may use (its prompt estimate plus its output allowance), so
 * concurrent requests cannot overshoot a token limit, and corrected to the actual usage once,
 * when the answer ends. It runs after authorization so that refused callers use up no room.
 */
public final class RateLimitStep implements Step {
    private final RateLimits limits;
    private final Function<Principal, List<String>> groupsOf;

    /** @param groupsOf the names of a principal's groups, answered from memory: this is on every request's path */
    public RateLimitStep(RateLimits limits, Function<Principal, List<String>> groupsOf) {
        this.limits = limits;
        this.groupsOf = groupsOf;
    }

    @Override
    public String name() {
        return "rate-limit";
    }

    @Override
    public Outcome apply(Exchange exchange, Chain chain) {
        if (limits.isEmpty()) return chain.proceed(exchange);
        return switch (limits.admit(subjects(exchange), exchange.operation().reservedTokens(exchange.model()))) {
            case Admission.Refused refused -> new Outcome.Rejected(exchange, refusal(refused));
            case Admission.Admitted admitted -> settled(exchange, chain, admitted.settlement());
        };
    }

    private Outcome settled(Exchange exchange, Chain chain, TokenSettlement settlement) {
        Outcome outcome;
        try {
            outcome = chain.proceed(exchange);
        } catch (RuntimeException e) {
            settlement.settle(0);
            throw e;
        }
        return switch (outcome) {
            case Outcome.Streamed s -> new Outcome.Streamed(s.exchange(), new SettlingStream(s.stream(), exchange.operation()::promptEstimate, end -> settlement.settle(end.usage().totalTokens())));
            case Outcome.Embedded e -> {
                settlement.settle(e.response().usage().totalTokens());
                yield e;
            }
            case Outcome.Performed p -> p; // a platform call's; it never passes this model-call step
            case Outcome.Rejected r -> {
                settlement.settle(0);
                yield r;
            }
        };
    }

    /** A role session is held to the limits of the principal that assumed it as well as its own. */
    private Subjects subjects(Exchange exchange) {
        Principal caller = exchange.principal();
        if (caller.onBehalfOf() == null) return Subjects.caller(List.of(caller.name()), groupsOf.apply(caller), exchange.model().id());
        List<Principal> accountable = caller.accountable();
        return Subjects.caller(accountable.stream().map(Principal::name).toList(),
                accountable.stream().flatMap(p -> groupsOf.apply(p).stream()).toList(), exchange.model().id());
    }


    private static QuarryError refusal(Admission.Refused refused) {
        String limit = refused.charge().description();
        if (refused.retryAfter() == null) {
            return new QuarryError(ErrorKind.RATE_LIMITED, "This request needs " + refused.charge().cost()
                    + " tokens (its prompt estimate plus its max tokens), more than the rate limit " + limit
                    + " allows in a minute. Lower max tokens or shorten the prompt.", null, null);
        }
        long seconds = Math.max(1, (refused.retryAfter().toMillis() + 999) / 1000);
        return new QuarryError(ErrorKind.RATE_LIMITED, "Rate limit reached: " + limit + ". Try again in " + seconds + " s.",
                null, refused.retryAfter());
    }
}
