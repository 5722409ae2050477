package dev.quarry.policy;

import java.util.List;
import java.util.Optional;

/**
 * Decides a request against policies with cloud IAM's rules, in this order: any matching Deny
 * (in identity policies or the boundary) denies; otherwise some identity statement must Allow;
 * and when a permission boundary is set, some boundary statement must Allow as well.
 */
public final class PolicyEvaluator {
    private PolicyEvaluator() {}

    /**
     * @param identity the policies attached to the principal and its groups
     * @param boundary the permission boundary, when the principal has one
     */
    public static Decision evaluate(AccessRequest request, List<Policy> identity, Optional<Policy> boundary) {
        Optional<Match> deny = first(request, identity, Effect.DENY)
                .or(() -> boundary.flatMap(b -> first(request, List.of(b), Effect.DENY)));
        if (deny.isPresent()) return new Decision(false, Decision.Reason.EXPLICIT_DENY, deny.get().policy(), deny.get().statement());
        Optional<Match> allow = first(request, identity, Effect.ALLOW);
        if (allow.isEmpty()) return new Decision(false, Decision.Reason.NO_ALLOW, null, null);
        if (boundary.isPresent() && first(request, List.of(boundary.get()), Effect.ALLOW).isEmpty()) {
            return new Decision(false, Decision.Reason.OUTSIDE_BOUNDARY, boundary.get().name(), null);
        }
        return new Decision(true, Decision.Reason.ALLOWED, allow.get().policy(), allow.get().statement());
    }

    private record Match(String policy, String statement) {}

    private static Optional<Match> first(AccessRequest request, List<Policy> policies, Effect effect) {
        for (Policy policy : policies) {
            for (Statement s : policy.statements()) {
                if (s.effect() == effect && applies(s, request)) return Optional.of(new Match(policy.name(), s.sid()));
            }
        }
        return Optional.empty();
    }

    /** Plain loops: this runs for every statement of every policy on every request. */
    static boolean applies(Statement s, AccessRequest request) {
        return anyMatches(s.actions(), request.action(), true) && anyMatches(s.resources(), request.resource(), false)
                && allHold(s.conditions(), request);
    }

    private static boolean anyMatches(List<String> patterns, String value, boolean ignoreCase) {
        for (String pattern : patterns) if (Wildcard.matches(pattern, value, ignoreCase)) return true;
        return false;
    }

    private static boolean allHold(List<Condition> conditions, AccessRequest request) {
        for (Condition c : conditions) if (!c.test(request.values(c.key()))) return false;
        return true;
    }
}
