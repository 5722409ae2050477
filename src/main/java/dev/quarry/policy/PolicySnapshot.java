package dev.quarry.policy;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.identity.Roles;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Everything authorizing needs, read from the store at one moment and then only read: the
 * policies, what they are attached to, the boundaries, who is in which group, the principals'
 * tags and the roles' trust. The {@code with…} methods give the snapshot as it would be after
 * one change, which is how the {@link EscalationGuard} weighs a change before it is made.
 *
 * @param principalNames principal id → name (attachments and boundaries name their targets)
 * @param groups         principal name → the groups it belongs to
 * @param tags           principal name → its tags
 * @param trust          role name → its trust entries (principal names and {@code group:NAME})
 */
record PolicySnapshot(
        Map<String, Policy> policies,
        Map<PolicyTarget, List<String>> attachments,
        Map<String, String> boundaries,
        Map<String, String> principalNames,
        Map<String, List<String>> groups,
        Map<String, Map<String, String>> tags,
        Map<String, List<String>> trust) {

    boolean knows(String principalId) {
        return principalNames.containsKey(principalId);
    }

    Optional<String> nameOf(String principalId) {
        return Optional.ofNullable(principalNames.get(principalId));
    }

    /**
     * {@link #decide}, for a principal named by an admin.
     *
     * @throws QuarryException 404 when there is no such principal
     */
    Decision simulate(String principalName, AccessRequest request) {
        if (!principalNames.containsValue(principalName)) {
            throw QuarryException.of(ErrorKind.NOT_FOUND, "There is no principal named '" + principalName + "'.");
        }
        return decide(principalName, request);
    }

    List<String> groupsOf(String principalName) {
        return groups.getOrDefault(principalName, List.of());
    }

    /** Decides for a principal by name: its own policies, then its groups', within its boundary. */
    Decision decide(String principalName, AccessRequest request) {
        return PolicyEvaluator.evaluate(request, identityPolicies(principalName), boundaryOf(principalName));
    }

    /** The policies attached to a principal, then those of its groups. */
    List<Policy> identityPolicies(String principalName) {
        List<Policy> identity = new ArrayList<>(attachedTo(PolicyTarget.principal(principalName)));
        for (String group : groupsOf(principalName)) identity.addAll(attachedTo(PolicyTarget.group(group)));
        return identity;
    }

    Optional<Policy> boundaryOf(String principalName) {
        return Optional.ofNullable(boundaries.get(principalName)).map(policies::get);
    }

    List<Policy> attachedTo(PolicyTarget target) {
        return attachments.getOrDefault(target, List.of()).stream().map(policies::get).toList();
    }

    Map<String, String> tagsOf(String principalName) {
        return tags.getOrDefault(principalName, Map.of());
    }

    /** The members of a group, by name. */
    List<String> membersOf(String group) {
        return groups.entrySet().stream().filter(e -> e.getValue().contains(group)).map(Map.Entry::getKey).sorted().toList();
    }

    /** The principals a policy applies to: attached to them or their groups, or their boundary. */
    Set<String> governedBy(String policy) {
        Set<String> names = new LinkedHashSet<>();
        attachments.forEach((target, attached) -> {
            if (!attached.contains(policy)) return;
            if (target.type() == PolicyTarget.Type.PRINCIPAL) names.add(target.name());
            else names.addAll(membersOf(target.name()));
        });
        boundaries.forEach((principal, boundary) -> {
            if (boundary.equals(policy)) names.add(principal);
        });
        return names;
    }

    /**
     * The roles a principal can come to act as: those whose trust names it or a group of it, and
     * then those whose trust names one of these roles (a role session assumes further roles).
     * Trust alone counts: a policy may still refuse {@code quarry:AssumeRole}, but that is one
     * policy change away, so the guard treats a trusted role as reachable.
     */
    Set<String> reachableRoles(String principalName) {
        Set<String> reached = new LinkedHashSet<>();
        ArrayDeque<String> pending = new ArrayDeque<>(List.of(principalName));
        while (!pending.isEmpty()) {
            String from = pending.poll();
            trust.forEach((role, entries) -> {
                boolean trusted = entries.contains(from) || groupsOf(from).stream().anyMatch(g -> entries.contains(Roles.GROUP_PREFIX + g));
                if (trusted && !role.equals(principalName) && reached.add(role)) pending.add(role);
            });
        }
        return reached;
    }

    /** As if {@code policy} were written ({@code null}: removed). */
    PolicySnapshot withPolicy(String name, Policy policy) {
        return copy(s -> {
            if (policy == null) s.policies.remove(name);
            else s.policies.put(name, policy);
        });
    }

    /** As if {@code policy} were attached to {@code target} ({@code attached}) or detached from it. */
    PolicySnapshot withAttachment(String policy, PolicyTarget target, boolean attached) {
        return copy(s -> s.attachments.put(target, toggled(s.attachments.getOrDefault(target, List.of()), policy, attached)));
    }

    /** As if {@code principal} joined {@code group} ({@code member}) or left it. */
    PolicySnapshot withMembership(String group, String principal, boolean member) {
        return copy(s -> s.groups.put(principal, toggled(s.groups.getOrDefault(principal, List.of()), group, member)));
    }

    /** {@code names} with {@code name} last if {@code present}, else without it. */
    private static List<String> toggled(List<String> names, String name, boolean present) {
        List<String> changed = new ArrayList<>(names);
        changed.remove(name);
        if (present) changed.add(name);
        return changed;
    }

    /** As if {@code principal}'s boundary were {@code policy} ({@code null}: none). */
    PolicySnapshot withBoundary(String principal, String policy) {
        return copy(s -> {
            if (policy == null) s.boundaries.remove(principal);
            else s.boundaries.put(principal, policy);
        });
    }

    PolicySnapshot withTags(String principal, Map<String, String> after) {
        return copy(s -> s.tags.put(principal, Map.copyOf(after)));
    }

    /** As if role {@code role} trusted these entries. */
    PolicySnapshot withTrust(String role, List<String> entries) {
        return copy(s -> s.trust.put(role, List.copyOf(entries)));
    }

    private PolicySnapshot copy(Consumer<PolicySnapshot> change) {
        PolicySnapshot copy = new PolicySnapshot(new HashMap<>(policies), new HashMap<>(attachments), new HashMap<>(boundaries),
                principalNames, new HashMap<>(groups), new HashMap<>(tags), new HashMap<>(trust));
        change.accept(copy);
        return copy;
    }
}
