package dev.quarry.pricing;

import dev.quarry.metering.UsageRecord;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Dollars as stored: whole micro-dollars in a {@code BIGINT}. A single token can cost less than a
 * micro-dollar, so a request's exact cost is rounded once, half up, when it is recorded; sums of
 * recorded costs are then exact.
 */
public final class Money {
    /** The one currency of price sheets, commitments and the ledger. */
    public static final String USD = UsageRecord.CURRENCY;
    private static final int MICROS = 6;

    private Money() {}

    public static long toMicros(BigDecimal dollars) {
        return dollars.setScale(MICROS, RoundingMode.HALF_UP).unscaledValue().longValueExact();
    }

    public static BigDecimal fromMicros(long micros) {
        return BigDecimal.valueOf(micros, MICROS);
    }

    /** @throws PricingException for any currency but US dollars, the only one price sheets and ledgers hold */
    public static String requireUsd(String currency) {
        if (!USD.equals(currency)) {
            throw new PricingException("unknown currency '" + currency + "'; Quarry prices and meters in USD only");
        }
        return currency;
    }
}
