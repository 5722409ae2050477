package dev.quarry.budget;

import dev.quarry.identity.Principal;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The budgets of a running Quarry, in memory, reloaded ({@link #reload}) when budgets change —
 * the server has its {@link dev.quarry.store.ChangeWatcher} call it — so that finding the budgets
 * of a request reads nothing from the store. A store outage leaves the last ones in force.
 */
public final class BudgetDirectory {
    private final BudgetStore store;
    private final Function<String, List<String>> groupsOf;
    private final LedgerSpend ledger;
    private final BudgetBook book;
    private final SessionBudgets sessions;
    private volatile List<Budget> budgets;

    /**
     * Loads the budgets and their current spend from the ledger now.
     *
     * @param groupsOf a principal id's groups, from memory (the policy directory keeps memberships)
     */
    public BudgetDirectory(BudgetStore store, Function<String, List<String>> groupsOf, LedgerSpend ledger, BudgetBook book) {
        this.store = store;
        this.groupsOf = groupsOf;
        this.ledger = ledger;
        this.book = book;
        this.sessions = new SessionBudgets(ledger::spentBySession);
        reload();
    }

    /**
     * The budgets that govern a caller: its own, and for a role session also those of the principal
     * that assumed it ({@link Principal#accountable()}), each budget once.
     */
    public List<Budget> applicableTo(Principal caller) {
        List<Principal> accountable = caller.accountable();
        List<List<String>> groups = accountable.stream().map(p -> groupsOf.apply(p.id())).toList();
        return budgets.stream().filter(b -> {
            for (int i = 0; i < accountable.size(); i++) if (b.scope().appliesTo(accountable.get(i), groups.get(i))) return true;
            return false;
        }).toList();
    }

    /**
     * Reserves on all these budgets or none.
     *
     * @throws dev.quarry.canonical.QuarryException {@code BUDGET_EXCEEDED} when a budget cannot cover it
     */
    public Reservation reserve(List<Budget> applicable, long micros) {
        return book.reserve(applicable, micros);
    }

    /** The spending caps of the managed-agent sessions this node runs. */
    public SessionBudgets sessions() {
        return sessions;
    }

    public Optional<BudgetStatus> status(String budgetId) {
        return book.status(budgetId);
    }

    /** Reads everything again now: a change made through this process is in force when its call returns. */
    public synchronized void reload() {
        List<Budget> loaded = store.list();
        book.install(loaded, ledger::spentIn);
        budgets = loaded;
    }
}
