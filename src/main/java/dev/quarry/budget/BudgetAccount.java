package dev.quarry.budget;

import java.util.TreeSet;

/**
 * One budget's money in one period window. Mutable, and only touched under the {@link BudgetBook}'s
 * lock: an admission must see every account it checks unchanged until it has reserved on all.
 */
final class BudgetAccount {
    final Budget budget;
    final Period.Window window;
    long spent;
    long reserved;
    final TreeSet<Integer> crossed = new TreeSet<>();

    BudgetAccount(Budget budget, Period.Window window, long spent) {
        this.budget = budget;
        this.window = window;
        this.spent = spent;
        // Thresholds the ledger already shows crossed were alerted by whoever crossed them.
        for (int t : budget.thresholds()) if (reached(t)) crossed.add(t);
    }

    boolean admits(long micros) {
        return spent + reserved + micros <= budget.limitMicros();
    }

    boolean reached(int percent) {
        return budget.reached(percent, spent);
    }

    BudgetStatus status() {
        return new BudgetStatus(budget, window, spent, reserved, crossed.stream().toList());
    }
}
