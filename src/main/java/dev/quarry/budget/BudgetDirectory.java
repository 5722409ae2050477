package dev.quarry.budget;

import dev.quarry.identity.Principal;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The budgets of a running Quarry, in memory, kept in step with the store by polling
 * {@code store_versions}, so that finding the budgets of a request reads nothing from the store. A store outage leaves the last ones in force.
 */
public final class BudgetDirectory implements AutoCloseable {
    /** A budget created or deleted anywhere is in force within this. */
    public static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    private static final Logger LOG = Logger.getLogger(BudgetDirectory.class.getName());

    private record Snapshot(List<Budget> budgets, long version) {}

    private final BudgetStore store;
    private final Function<String, List<String>> groupsOf;
    private final LedgerSpend ledger;
    private final BudgetBook book;
    private final ScheduledExecutorService poller;
    private volatile Snapshot snapshot;

    private BudgetDirectory(BudgetStore store, Function<String, List<String>> groupsOf, LedgerSpend ledger, BudgetBook book,
                            Duration interval) {
        this.store = store;
        this.groupsOf = groupsOf;
        this.ledger = ledger;
        this.book = book;
        reload();
        this.poller = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("budget-reload").factory());
        poller.scheduleWithFixedDelay(this::reloadIfChanged, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Loads the budgets and their current spend from the ledger now, and keeps them fresh in the background.
     *
     * @param groupsOf a principal id's groups, from memory (the policy directory keeps memberships)
     */
    public static BudgetDirectory start(BudgetStore store, Function<String, List<String>> groupsOf, LedgerSpend ledger, BudgetBook book) {
        return new BudgetDirectory(store, groupsOf, ledger, book, POLL_INTERVAL);
    }

    /** The budgets that govern a caller. */
    public List<Budget> applicableTo(Principal principal) {
        List<String> groups = groupsOf.apply(principal.id());
        return snapshot.budgets().stream().filter(b -> b.scope().appliesTo(principal, groups)).toList();
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
        long version = store.version();
        List<Budget> budgets = store.list();
        book.install(budgets, ledger::spentIn);
        snapshot = new Snapshot(budgets, version);
    }

    private void reloadIfChanged() {
        try {
            if (store.version() != snapshot.version()) reload();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not reload budgets; the last ones loaded stay in force", e);
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
