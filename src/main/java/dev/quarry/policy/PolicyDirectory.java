package dev.quarry.policy;

import dev.quarry.canonical.QuarryException;
import java.util.List;

/**
 * The {@link Authorizer} of a running Quarry: answers from an in-memory {@link PolicySnapshot},
 * reloaded ({@link #reload}) when policies or identities change — the server has its
 * {@link dev.quarry.store.ChangeWatcher} call it, whichever process made the change. A store
 * outage leaves the last snapshot serving.
 */
public final class PolicyDirectory implements Authorizer {
    private final PolicyStore store;
    private volatile PolicySnapshot snapshot;

    /** Loads everything now. */
    public PolicyDirectory(PolicyStore store) {
        this.store = store;
        this.snapshot = store.load();
    }

    /**
     * Decides from memory. A principal the snapshot does not know was created after it was read
     * (a key issued a moment ago): it is loaded at once rather than refused until the next poll.
     * Only authenticated principals get here, so strangers cannot drive these loads.
     */
    @Override
    public Decision decide(String principalId, AccessRequest request) {
        PolicySnapshot current = snapshot.knows(principalId) ? snapshot : reloadFor(principalId);
        return current.nameOf(principalId)
                .map(name -> current.decide(name, request))
                .orElseGet(() -> new Decision(false, Decision.Reason.NO_ALLOW, null, null));
    }

    /** The groups a principal belongs to, from memory: what group-scoped limits and budgets need too. */
    public List<String> groupsOf(String principalId) {
        PolicySnapshot current = snapshot.knows(principalId) ? snapshot : reloadFor(principalId);
        return current.nameOf(principalId).map(current::groupsOf).orElse(List.of());
    }

    /**
     * Decides for a principal named by an admin, as its real requests would be decided.
     *
     * @throws QuarryException 404 when there is no such principal
     */
    public Decision simulate(String principalName, AccessRequest request) {
        return snapshot.simulate(principalName, request);
    }

    /** What the {@link EscalationGuard} weighs changes against. */
    PolicySnapshot snapshot() {
        return snapshot;
    }

    /** Reads everything again now: a change made through this process is in force when its call returns. */
    public synchronized void reload() {
        snapshot = store.load();
    }

    private synchronized PolicySnapshot reloadFor(String principalId) {
        if (!snapshot.knows(principalId)) reload();
        return snapshot;
    }
}
