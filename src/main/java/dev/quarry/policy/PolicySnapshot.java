package dev.quarry.policy;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything authorizing needs, read from the store at one moment and then only read: the
 * policies, what they are attached to, the boundaries, and who is in which group.
 *
 * @param principalNames principal id → name (attachments and boundaries name their targets)
 * @param groups         principal name → the groups it belongs to
 */
record PolicySnapshot(
        Map<String, Policy> policies,
        Map<PolicyTarget, List<String>> attachments,
        Map<String, String> boundaries,
        Map<String, String> principalNames,
        Map<String, List<String>> groups) {

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
}
