package dev.quarry.catalog;

import java.math.BigDecimal;

/** List prices in US dollars per million tokens; a {@code null} field means "not priced". */
public record Price(BigDecimal input, BigDecimal output, BigDecimal cacheRead, BigDecimal cacheWrite) {
    public static final Price UNPRICED = new Price(null, null, null, null);
}
