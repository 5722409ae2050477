package dev.quarry.budget;

import java.util.List;

/** Budgets for tests, by the fields that matter to them. */
final class Budgets {
    private Budgets() {}

    static Budget daily(String id, long limitMicros, Integer... thresholds) {
        return new Budget(id, id, new Scope(Scope.Kind.ORGANISATION, null), new Period(Period.Kind.DAY, null, null), limitMicros,
                List.of(thresholds), null);
    }
}
