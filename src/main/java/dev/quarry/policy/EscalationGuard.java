package dev.quarry.policy;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.identity.Principal;
import java.util.List;
import java.util.Map;

/**
 * Refuses to let a caller hand out administrative power it does not hold itself: whoever writes
 * or attaches a policy that allows admin actions must be allowed each of those actions on every
 * resource. Without this, the right to write policies would be the right to do anything.
 */
public final class EscalationGuard {
    private final Authorizer authorizer;

    public EscalationGuard(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    /**
     * @param context the caller's condition keys, as its own requests are decided with
     * @throws QuarryException 403 naming the first admin action the caller lacks
     */
    public void check(Principal caller, Policy policy, Map<String, List<String>> context) {
        for (Statement statement : policy.statements()) {
            if (statement.effect() != Effect.ALLOW) continue;
            for (String admin : Actions.ADMIN) {
                boolean granted = statement.actions().stream().anyMatch(pattern -> Wildcard.matches(pattern, admin, true));
                if (granted && !authorizer.decide(caller.id(), new AccessRequest(admin, "*", context)).allowed()) {
                    throw QuarryException.of(ErrorKind.PERMISSION_DENIED, "You cannot grant permissions you do not hold: statement '"
                            + statement.sid() + "' of policy '" + policy.name() + "' allows " + admin + ", which you are not allowed on '*'.");
                }
            }
        }
    }
}
