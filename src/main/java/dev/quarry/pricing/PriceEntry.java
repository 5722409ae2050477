package dev.quarry.pricing;

import dev.quarry.canonical.Usage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One model's prices on one platform, in US dollars per million tokens, in force from a UTC day
 * until the next entry of the same model and platform.
 *
 * @param cacheRead     price of prompt tokens read from the cache (e.g. 90% below input); {@code null}
 *                      when the platform has no cache price, and cached tokens then cost the input price
 * @param cacheWrite    price of prompt tokens written to the cache (the default, shortest TTL); {@code null}: input price
 * @param cacheWrite1h  price of a cache write with a one-hour TTL where the provider sells one; {@code null} otherwise
 * @param batchDiscount the fraction taken off every price for batch usage (0.5 = half price); {@code null}: no batch tier
 */
public record PriceEntry(
        String model,
        String platform,
        LocalDate effectiveFrom,
        String currency,
        BigDecimal input,
        BigDecimal output,
        BigDecimal cacheRead,
        BigDecimal cacheWrite,
        BigDecimal cacheWrite1h,
        BigDecimal batchDiscount) {

    /** Above this a price per million tokens is a typo (a price per token, or in cents), not a price. */
    public static final BigDecimal MAX_PRICE = new BigDecimal("10000");
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    /** @throws PricingException naming the first field that is wrong */
    public PriceEntry {
        if (model == null || model.isBlank()) throw new PricingException("model is required");
        Objects.requireNonNull(effectiveFrom, "effectiveFrom");
        Platforms.require(platform);
        Money.requireUsd(currency);
        if (input == null) throw new PricingException("input price is required");
        if (output == null) throw new PricingException("output price is required");
        checkPrice("input", input);
        checkPrice("output", output);
        checkPrice("cache_read", cacheRead);
        checkPrice("cache_write", cacheWrite);
        checkPrice("cache_write_1h", cacheWrite1h);
        if (batchDiscount != null && (batchDiscount.signum() < 0 || batchDiscount.compareTo(BigDecimal.ONE) >= 0)) {
            throw new PricingException("batch_discount must be a fraction from 0 up to (not including) 1, not " + batchDiscount.toPlainString());
        }
    }

    private static void checkPrice(String field, BigDecimal price) {
        if (price == null) return;
        if (price.signum() < 0) throw new PricingException(field + " price must not be negative, got " + price.toPlainString());
        if (price.compareTo(MAX_PRICE) > 0) {
            throw new PricingException(field + " price " + price.toPlainString() + " is more than $" + MAX_PRICE
                    + " per million tokens; prices are in dollars per million tokens");
        }
    }

    /** The exact cost of the usage at these prices (canonical input already excludes cached tokens). */
    public BigDecimal cost(Usage usage) {
        BigDecimal perMillion = tokens(usage.inputTokens(), input)
                .add(tokens(usage.outputTokens(), output))
                .add(tokens(usage.cacheReadTokens(), cacheRead == null ? input : cacheRead))
                .add(tokens(usage.cacheWriteTokens(), cacheWrite == null ? input : cacheWrite));
        return perMillion.divide(MILLION, MathContext.UNLIMITED);
    }

    /** The cost of the usage sold as batch, when this entry has a batch tier. */
    public BigDecimal batchCost(Usage usage) {
        BigDecimal full = cost(usage);
        return batchDiscount == null ? full : full.subtract(full.multiply(batchDiscount));
    }

    private static BigDecimal tokens(long count, BigDecimal price) {
        return BigDecimal.valueOf(count).multiply(price);
    }
}
