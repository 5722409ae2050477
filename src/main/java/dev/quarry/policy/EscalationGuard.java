package dev.quarry.policy;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.identity.Groups;
import dev.quarry.identity.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Refuses to let a caller hand out administrative power it does not hold itself. Every way power
 * changes hands is covered: writing or attaching a policy, adding a principal to a group (which
 * gives it the group's policies), changing or removing a principal's permission boundary (which
 * frees its policies), and minting a key for a principal (which gives the caller all that
 * principal may do). Each admin action such a change would grant must be allowed to the caller on
 * every resource. Without this, the right to write policies, manage groups or issue keys would be
 * the right to do anything.
 */
public final class EscalationGuard {
    private final PolicyDirectory directory;

    public EscalationGuard(PolicyDirectory directory) {
        this.directory = directory;
    }

    /**
     * Writing or attaching {@code policy}.
     *
     * @param context the caller's condition keys, as its own requests are decided with
     * @throws QuarryException 403 naming the first admin action the caller lacks
     */
    public void check(Principal caller, Policy policy, Map<String, List<String>> context) {
        requireHeld(caller, "policy '" + policy.name() + "'", List.of(policy), Optional.empty(), context);
    }

    /** Adding {@code principal} to {@code group}: it gains the group's policies, within its boundary. */
    public void checkJoin(Principal caller, String group, String principal, Map<String, List<String>> context) {
        requireHeld(caller, "group '" + group + "'", directory.attachedTo(PolicyTarget.group(group)), directory.boundaryOf(principal), context);
    }

    /** Setting {@code principal}'s boundary to {@code boundary} ({@code null}: removing it): its own policies then reach that far. */
    public void checkBoundary(Principal caller, String principal, String boundary, Map<String, List<String>> context) {
        Optional<Policy> after = boundary == null ? Optional.empty() : directory.policy(boundary);
        requireHeld(caller, "'" + principal + "'" + (boundary == null ? " without a boundary" : " within boundary '" + boundary + "'"),
                directory.identityPolicies(principal), after, context);
    }

    /**
     * Minting a key for {@code principal}: whoever holds it may do all that principal may. A name no
     * one has yet becomes a user, in the built-in group {@value Groups#USERS}.
     */
    public void checkKeyFor(Principal caller, String principal, Map<String, List<String>> context) {
        List<Policy> policies = new ArrayList<>(directory.identityPolicies(principal));
        if (!directory.knowsName(principal)) policies.addAll(directory.attachedTo(PolicyTarget.group(Groups.USERS)));
        requireHeld(caller, "a key of '" + principal + "'", policies, directory.boundaryOf(principal), context);
    }

    /** Each admin action some Allow of {@code granted} grants (and the boundary, if any, lets through) must be the caller's on '*'. */
    private void requireHeld(Principal caller, String what, List<Policy> granted, Optional<Policy> boundary, Map<String, List<String>> context) {
        for (String admin : Actions.ADMIN) {
            Optional<Statement> grant = allowing(granted, admin);
            if (grant.isEmpty() || boundary.map(b -> allowing(List.of(b), admin).isEmpty()).orElse(false)) continue;
            if (!directory.decide(caller.id(), new AccessRequest(admin, "*", context)).allowed()) {
                throw QuarryException.of(ErrorKind.PERMISSION_DENIED, "You cannot grant permissions you do not hold: " + what
                        + " would allow " + admin + " (statement '" + grant.get().sid() + "'), which you are not allowed on '*'.");
            }
        }
    }

    private static Optional<Statement> allowing(List<Policy> policies, String action) {
        for (Policy policy : policies) {
            for (Statement statement : policy.statements()) {
                if (statement.effect() == Effect.ALLOW && statement.actions().stream().anyMatch(p -> Wildcard.matches(p, action, true))) {
                    return Optional.of(statement);
                }
            }
        }
        return Optional.empty();
    }
}
