package dev.quarry.budget;

import dev.quarry.pricing.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * What budgets add to {@link Money}'s micro-dollars: reservations rounded up (a reservation must
 * never be short of the cost it stands for, which the ledger rounds half up), a ceiling on
 * limits, and dollars written for people.
 */
public final class Micros {
    /** The largest limit accepted, one billion dollars: a guard against typos, far below overflow. */
    public static final long MAX_LIMIT = 1_000_000_000L * 1_000_000L;

    private Micros() {}

    public static long roundedUp(BigDecimal usd) {
        return usd.setScale(6, RoundingMode.UP).unscaledValue().longValueExact();
    }

    /** Dollars for people: to the cent, or with more digits when a sum is finer than a cent. */
    public static String format(long micros) {
        BigDecimal usd = Money.fromMicros(micros);
        BigDecimal cents = usd.setScale(2, RoundingMode.HALF_UP);
        return "$" + (cents.compareTo(usd) == 0 ? cents : usd.stripTrailingZeros()).toPlainString();
    }
}
