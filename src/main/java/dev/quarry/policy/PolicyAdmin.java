package dev.quarry.policy;

import dev.quarry.canonical.QuarryException;
import dev.quarry.identity.Acting;
import dev.quarry.identity.IdentityStore;
import java.util.List;

/**
 * Administering policies: writing, reading, listing and deleting them, attaching them to
 * principals and groups, setting permission boundaries, and simulating a decision. Each change
 * passes the {@link EscalationGuard} and is in force on this node when it returns (on other nodes
 * within {@link PolicyDirectory#POLL_INTERVAL}). The call's first resource is authorized before it
 * gets here; what else a change acts on (the principal or group a policy is attached to, and the
 * role a principal may be) is authorized here, through {@link Acting#alsoOn}.
 */
public final class PolicyAdmin {
    private final PolicyStore store;
    private final PolicyDirectory directory;
    private final EscalationGuard guard;
    private final IdentityStore identities;

    public PolicyAdmin(PolicyStore store, PolicyDirectory directory, EscalationGuard guard, IdentityStore identities) {
        this.store = store;
        this.directory = directory;
        this.guard = guard;
        this.identities = identities;
    }

    public List<String> names() {
        return store.names();
    }

    /** The stored document; a 404 for a policy that does not exist. */
    public String document(String name) {
        return store.document(name);
    }

    /** @throws QuarryException 400 naming the place in the document that is wrong */
    public void put(Acting call, String name, String document) {
        guard.checkPut(call.caller(), parsed(name, document), call.conditions());
        store.put(name, document);
        directory.reload();
    }

    public void delete(String name) {
        store.delete(name);
        directory.reload();
    }

    public void attach(Acting call, String policy, PolicyTarget target) {
        alsoOnTarget(call, target);
        guard.check(call.caller(), PolicyParser.parse(policy, store.document(policy)), call.conditions());
        store.attach(policy, target);
        directory.reload();
    }

    public void detach(Acting call, String policy, PolicyTarget target) {
        alsoOnTarget(call, target);
        guard.checkDetach(call.caller(), policy, target, call.conditions());
        store.detach(policy, target);
        directory.reload();
    }

    /** {@code policy} {@code null} removes the boundary. */
    public void setBoundary(Acting call, String principal, String policy) {
        call.alsoAsRole(identities, principal);
        guard.checkBoundary(call.caller(), principal, policy, call.conditions());
        store.setBoundary(principal, policy);
        directory.reload();
    }

    /** What policy would decide for {@code principal}: what it reveals is that principal's permissions, so a role's are authorized as the role's. */
    public Decision simulate(Acting call, String principal, AccessRequest request) {
        call.alsoAsRole(identities, principal);
        return directory.simulate(principal, request);
    }

    /** A policy document parsed, or a 400 naming the place in it that is wrong. */
    private static Policy parsed(String name, String document) {
        try {
            return PolicyParser.parse(name, document);
        } catch (PolicyException e) {
            throw QuarryException.invalid(e.path().isEmpty() ? "document" : e.path(), "The policy document is not valid: " + e.getMessage());
        }
    }

    /** What a policy is attached to or detached from is acted on too: the group, or the principal (and the role it may be). */
    private void alsoOnTarget(Acting call, PolicyTarget target) {
        call.alsoOn(target.toString());
        if (target.type() == PolicyTarget.Type.PRINCIPAL) call.alsoAsRole(identities, target.name());
    }
}
