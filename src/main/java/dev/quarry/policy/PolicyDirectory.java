package dev.quarry.policy;

import dev.quarry.canonical.QuarryException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@link Authorizer} of a running Quarry: answers from an in-memory {@link PolicySnapshot}
 * and reloads it when {@code store_versions} says policies or identities changed, whichever
 * process changed them. A store outage leaves the last snapshot serving.
 */
public final class PolicyDirectory implements Authorizer, AutoCloseable {
    /** How often the store's versions are checked: a change anywhere is in force within this. */
    public static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    private static final Logger LOG = Logger.getLogger(PolicyDirectory.class.getName());

    private final PolicyStore store;
    private final ScheduledExecutorService poller;
    private volatile PolicySnapshot snapshot;

    private PolicyDirectory(PolicyStore store, Duration interval) {
        this.store = store;
        this.snapshot = store.load();
        this.poller = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("policy-reload").factory());
        poller.scheduleWithFixedDelay(this::reloadIfChanged, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Loads everything now and keeps it fresh in the background. */
    public static PolicyDirectory start(PolicyStore store) {
        return new PolicyDirectory(store, POLL_INTERVAL);
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

    /** Reads everything again now: a change made through this process is in force when its call returns. */
    public synchronized void reload() {
        snapshot = store.load();
    }

    private synchronized PolicySnapshot reloadFor(String principalId) {
        if (!snapshot.knows(principalId)) reload();
        return snapshot;
    }

    private void reloadIfChanged() {
        try {
            if (!store.versions().equals(snapshot.versions())) reload();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not reload policies; the last ones loaded stay in force", e);
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
