package dev.quarry.budget;

import java.util.List;

/** Where a budget stands in its current window. Money in micro-dollars. */
public record BudgetStatus(Budget budget, Period.Window window, long spentMicros, long reservedMicros, List<Integer> thresholdsCrossed) {
    /** What is left to reserve; 0 once spent and reserved reach the limit. */
    public long remainingMicros() {
        return Math.max(0, budget.limitMicros() - spentMicros - reservedMicros);
    }
}
