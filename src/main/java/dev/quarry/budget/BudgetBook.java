package dev.quarry.budget;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongBiFunction;

/**
 * The reservation ledger: every budget's spent and reserved money in its current window, in
 * memory. One lock guards it all, so a request reserves on all its budgets or none, and no two
 * admissions can both fit in the same headroom. The work under the lock is a few additions, so
 * the lock is held for well under a microsecond.
 */
public final class BudgetBook {
    private final Clock clock;
    private final AlertSink alerts;
    private final Map<String, Budget> budgets = new HashMap<>();
    private final Map<String, BudgetAccount> accounts = new HashMap<>();

    public BudgetBook(Clock clock, AlertSink alerts) {
        this.clock = clock;
        this.alerts = alerts;
    }

    /**
     * Makes these the budgets in force. Budgets already known keep their accounts (spend seen and
     * reservations held); new ones start from what the ledger says was spent in their window.
     *
     * @param spentIn the spend of a budget in a window, read from the ledger; called outside the lock
     */
    public void install(Collection<Budget> inForce, ToLongBiFunction<Budget, Period.Window> spentIn) {
        Instant now = clock.instant();
        Map<String, BudgetAccount> fresh = new HashMap<>();
        for (Budget budget : inForce) {
            if (budget.equals(known(budget.id()))) continue;
            budget.period().windowAt(now).ifPresent(w -> fresh.put(budget.id(), new BudgetAccount(budget, w, spentIn.applyAsLong(budget, w))));
        }
        synchronized (this) {
            budgets.clear();
            inForce.forEach(b -> budgets.put(b.id(), b));
            accounts.keySet().retainAll(budgets.keySet());
            accounts.putAll(fresh);
        }
    }

    private synchronized Budget known(String id) {
        return budgets.get(id);
    }

    /**
     * Reserves {@code micros} on every one of these budgets that is in force now, or on none.
     *
     * @throws QuarryException {@link ErrorKind#BUDGET_EXCEEDED} naming the first budget it would pass
     */
    public Reservation reserve(Collection<Budget> applicable, long micros) {
        if (applicable.isEmpty()) return Reservation.NONE;
        Instant now = clock.instant();
        List<BudgetAccount> held = new ArrayList<>(applicable.size());
        synchronized (this) {
            for (Budget budget : applicable) {
                if (!budget.equals(budgets.get(budget.id()))) continue; // deleted meanwhile
                BudgetAccount account = accountAt(budget, now);
                if (account == null) continue;
                if (!account.admits(micros)) throw refusal(account, micros);
                held.add(account);
            }
            for (BudgetAccount account : held) account.reserved += micros;
        }
        return new Reservation(this, held, micros);
    }

    /** Releases a reservation and adds the actual cost to the windows current now. */
    void settle(Reservation reservation, long actualMicros) {
        Instant now = clock.instant();
        List<ThresholdAlert> crossed = new ArrayList<>();
        synchronized (this) {
            for (BudgetAccount held : reservation.accounts) {
                held.reserved -= reservation.micros;
                // Spend counts in the window it happened in, as the ledger's timestamps will say after a restart.
                if (!held.budget.equals(budgets.get(held.budget.id()))) continue; // deleted meanwhile
                BudgetAccount account = accountAt(held.budget, now);
                if (account == null) continue;
                account.spent += actualMicros;
                for (int t : account.budget.thresholds()) {
                    if (account.reached(t) && account.crossed.add(t)) crossed.add(new ThresholdAlert(account.budget, account.window, t, account.spent));
                }
            }
        }
        crossed.forEach(alerts::send);
    }

    /** @return empty when the budget is unknown or (a custom period) not in force now */
    public synchronized Optional<BudgetStatus> status(String budgetId) {
        Budget budget = budgets.get(budgetId);
        return budget == null ? Optional.empty() : Optional.ofNullable(accountAt(budget, clock.instant())).map(BudgetAccount::status);
    }

    /**
     * The budget's account for the window containing {@code now}, or null when it is not in force
     * then. A window that began since the last request starts empty: all spend in it settled here.
     */
    private BudgetAccount accountAt(Budget budget, Instant now) {
        BudgetAccount account = accounts.get(budget.id());
        if (account != null && account.window.contains(now)) return account;
        Optional<Period.Window> window = budget.period().windowAt(now);
        if (window.isEmpty()) return null;
        BudgetAccount next = new BudgetAccount(budget, window.get(), 0);
        accounts.put(budget.id(), next);
        return next;
    }

    private static QuarryException refusal(BudgetAccount account, long micros) {
        return QuarryException.of(ErrorKind.BUDGET_EXCEEDED, "Budget " + account.budget.label() + " cannot cover this request: limit "
                + Micros.format(account.budget.limitMicros()) + ", spent " + Micros.format(account.spent) + ", reserved by requests in flight "
                + Micros.format(account.reserved) + ", and this request could cost up to " + Micros.format(micros)
                + ". The budget's period ends at " + account.window.end() + "; an admin can raise its limit.");
    }
}
