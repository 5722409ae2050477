package dev.quarry.budget;

import dev.quarry.identity.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The budgets of a running Quarry and who is in which group, in memory, kept in step with the
 * store by polling {@code store_versions} (budget and identity areas), so that finding the budgets
 * of a request reads nothing from the store. A store outage leaves the last ones in force.
 */
public final class BudgetDirectory implements AutoCloseable {
    /** A budget created or deleted anywhere is in force within this. */
    public static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    private static final Logger LOG = Logger.getLogger(BudgetDirectory.class.getName());

    private record Snapshot(List<Budget> budgets, Map<String, List<String>> groups, List<Long> versions) {}

    private final BudgetStore store;
    private final LedgerSpend ledger;
    private final BudgetBook book;
    private final ScheduledExecutorService poller;
    private volatile Snapshot snapshot;

    private BudgetDirectory(BudgetStore store, LedgerSpend ledger, BudgetBook book, Duration interval) {
        this.store = store;
        this.ledger = ledger;
        this.book = book;
        reload();
        this.poller = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("budget-reload").factory());
        poller.scheduleWithFixedDelay(this::reloadIfChanged, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Loads the budgets and their current spend from the ledger now, and keeps them fresh in the background. */
    public static BudgetDirectory start(BudgetStore store, LedgerSpend ledger, BudgetBook book) {
        return new BudgetDirectory(store, ledger, book, POLL_INTERVAL);
    }

    /**
     * The budgets that govern a caller. A principal the snapshot does not know was created after
     * it was read: memberships are read again at once rather than missed until the next poll.
     */
    public List<Budget> applicableTo(Principal principal) {
        Snapshot current = snapshot.groups().containsKey(principal.id()) ? snapshot : reloadFor(principal.id());
        List<String> groups = current.groups().getOrDefault(principal.id(), List.of());
        return current.budgets().stream().filter(b -> b.scope().appliesTo(principal, groups)).toList();
    }

    /**
     * Reserves on all these budgets or none.
     *
     * @throws dev.quarry.canonical.QuarryException {@code BUDGET_EXCEEDED} when a budget cannot cover it
     */
    public Reservation reserve(List<Budget> applicable, long micros) {
        return book.reserve(applicable, micros);
    }

    public Optional<BudgetStatus> status(String budgetId) {
        return book.status(budgetId);
    }

    /** Reads everything again now: a change made through this process is in force when its call returns. */
    public synchronized void reload() {
        List<Long> versions = store.versions();
        List<Budget> budgets = store.list();
        book.install(budgets, ledger::spentIn);
        snapshot = new Snapshot(budgets, store.memberships(), versions);
    }

    private synchronized Snapshot reloadFor(String principalId) {
        if (!snapshot.groups().containsKey(principalId)) reload();
        return snapshot;
    }

    private void reloadIfChanged() {
        try {
            if (!store.versions().equals(snapshot.versions())) reload();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not reload budgets; the last ones loaded stay in force", e);
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
