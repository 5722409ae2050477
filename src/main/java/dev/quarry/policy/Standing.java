package dev.quarry.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a principal may do, as the {@link EscalationGuard} weighs it: its identity policies, its
 * boundary, and its tags. A statement counts when its action matches, on whatever resource;
 * conditions on {@code quarry:PrincipalTag/…} are tested against the tags, and every other
 * condition is taken to hold (the guard cannot know the requests to come, so it assumes an Allow
 * may apply and that a Deny may restrict).
 *
 * @param tags {@code null} when there is no principal to read them from (a policy weighed on its
 *             own): every tag condition is then taken to hold
 */
record Standing(List<Policy> identity, Optional<Policy> boundary, Map<String, String> tags) {
    /** No power at all: what a key's new holder had before it. */
    static final Standing NONE = new Standing(List.of(), Optional.empty(), Map.of());

    static Standing of(PolicySnapshot snapshot, String principal) {
        return new Standing(snapshot.identityPolicies(principal), snapshot.boundaryOf(principal), snapshot.tagsOf(principal));
    }

    /** A statement of a policy, as a 403 names it. */
    record Sourced(String policy, Statement statement) {
        String label() {
            return "statement '" + statement.sid() + "' of policy '" + policy + "'";
        }
    }

    /** Whether some Allow lets the action through, on some resource, within the boundary. */
    boolean allows(String action) {
        return !allowing(action).isEmpty() && boundaryAllowing(action).map(b -> !b.isEmpty()).orElse(true);
    }

    /**
     * Why this standing may do {@code action} in some way {@code before} could not, or empty when it
     * cannot do it or could already do all of it: an Allow it did not have, a Deny it no longer
     * has, or a boundary lifted or widened. Statements are compared as written, so changing a Deny's
     * resource counts as lifting it.
     */
    Optional<String> gainedOver(Standing before, String action) {
        if (!allows(action)) return Optional.empty();
        List<Sourced> had = before.allowing(action);
        for (Sourced allow : allowing(action)) if (!had.contains(allow)) return Optional.of(allow.label());
        List<Sourced> still = denying(action);
        for (Sourced deny : before.denying(action)) if (!still.contains(deny)) return Optional.of("no longer denied by " + deny.label());
        if (before.boundary.isEmpty()) return Optional.empty();
        if (boundary.isEmpty()) return Optional.of("no longer held back by boundary '" + before.boundary.get().name() + "'");
        List<Sourced> within = before.boundaryAllowing(action).orElseThrow();
        for (Sourced allow : boundaryAllowing(action).orElseThrow()) {
            if (!within.contains(allow)) return Optional.of("let through by boundary " + allow.label());
        }
        return Optional.empty();
    }

    /**
     * The decision authorization would make for this standing, with the Deny statements in
     * {@code ignored} left out.
     */
    Decision decideWithout(Set<Statement> ignored, AccessRequest request) {
        return PolicyEvaluator.evaluate(request, identity.stream().map(p -> without(p, ignored)).toList(), boundary.map(b -> without(b, ignored)));
    }

    private static Policy without(Policy policy, Set<Statement> ignored) {
        return new Policy(policy.name(), policy.statements().stream().filter(s -> !ignored.contains(s)).toList());
    }

    List<Sourced> allowing(String action) {
        return matching(identity, Effect.ALLOW, action);
    }

    /** The boundary's Allows for the action; empty when there is no boundary (nothing is held back). */
    Optional<List<Sourced>> boundaryAllowing(String action) {
        return boundary.map(b -> matching(List.of(b), Effect.ALLOW, action));
    }

    /** Every Deny that may restrict the action, on any resource, in the identity policies or the boundary. */
    List<Sourced> denying(String action) {
        List<Policy> all = new ArrayList<>(identity);
        boundary.ifPresent(all::add);
        return matching(all, Effect.DENY, action);
    }

    private List<Sourced> matching(List<Policy> policies, Effect effect, String action) {
        List<Sourced> found = new ArrayList<>();
        for (Policy policy : policies) {
            for (Statement s : policy.statements()) {
                if (s.effect() == effect && s.actions().stream().anyMatch(p -> Wildcard.matches(p, action, true)) && tagsAllow(s)) {
                    found.add(new Sourced(policy.name(), s));
                }
            }
        }
        return found;
    }

    private boolean tagsAllow(Statement s) {
        if (tags == null) return true;
        for (Condition c : s.conditions()) {
            String key = c.key().toLowerCase(Locale.ROOT);
            String prefix = ConditionKey.PRINCIPAL_TAG.keyName().toLowerCase(Locale.ROOT);
            if (key.startsWith(prefix) && !c.test(tagValue(key.substring(prefix.length())))) return false;
        }
        return true;
    }

    /** Tag keys are matched as condition keys are, case-insensitively. */
    private List<String> tagValue(String lowerKey) {
        return tags.entrySet().stream().filter(t -> t.getKey().toLowerCase(Locale.ROOT).equals(lowerKey)).map(Map.Entry::getValue).toList();
    }
}
