package dev.quarry.budget;

import java.util.List;

/**
 * What one request holds on the budgets that apply to it, until it settles. Settling twice is a
 * no-op, so whichever of completion, failure and close comes first settles it.
 */
public final class Reservation {
    /** Held when no budget applies or the call cannot be priced: settling it does nothing. */
    static final Reservation NONE = new Reservation(null, List.of(), 0);

    private final BudgetBook book;
    final List<BudgetAccount> accounts;
    final long micros;
    private boolean settled;

    Reservation(BudgetBook book, List<BudgetAccount> accounts, long micros) {
        this.book = book;
        this.accounts = accounts;
        this.micros = micros;
        this.settled = accounts.isEmpty();
    }

    /** Releases the reservation and counts the actual cost as spent. */
    public void settle(long actualMicros) {
        synchronized (this) {
            if (settled) return;
            settled = true;
        }
        book.settle(this, actualMicros);
    }
}
