/**
 * What usage costs: versioned price sheets per model and platform (from the configuration, a
 * price file or the admin API), held in memory as the {@link dev.quarry.pricing.Pricer} the
 * gateway prices every request with; committed spend and its drawdown; and what-if repricing of
 * recorded usage against another model or platform. Money is {@link java.math.BigDecimal} dollars,
 * stored as whole micro-dollars.
 */
package dev.quarry.pricing;
