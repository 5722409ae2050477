package dev.quarry.budget;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import java.util.List;

/**
 * Administering budgets: create, list, read and delete them, and see where one stands. A change
 * is in force on this node when its call returns, and on other nodes within
 * {@link BudgetDirectory#POLL_INTERVAL}.
 */
public final class BudgetAdmin {
    private final BudgetStore store;
    private final BudgetDirectory directory;

    /** A budget and where it stands on this node. */
    public record Standing(Budget budget, BudgetStatus status) {}

    public BudgetAdmin(BudgetStore store, BudgetDirectory directory) {
        this.store = store;
        this.directory = directory;
    }

    public Budget create(BudgetDraft draft) {
        Budget budget = store.create(draft);
        directory.reload();
        return budget;
    }

    public List<Budget> list() {
        return store.list();
    }

    public Budget get(String id) {
        return store.get(id);
    }

    public void delete(String id) {
        store.delete(id);
        directory.reload();
    }

    /**
     * Spent (from the ledger at start-up, then as seen here) and reserved by requests in flight.
     *
     * @throws QuarryException 404 for a budget whose custom period is not now
     */
    public Standing standing(String id) {
        Budget budget = store.get(id);
        BudgetStatus status = directory.status(id).orElseThrow(() -> QuarryException.of(ErrorKind.NOT_FOUND,
                "Budget '" + budget.name() + "' is not in force now: its custom period is from " + budget.period().start()
                        + " to " + budget.period().end() + "."));
        return new Standing(budget, status);
    }
}
