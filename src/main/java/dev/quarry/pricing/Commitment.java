package dev.quarry.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * Committed spend: an amount paid for a period up front at a discount, drawn down by eligible
 * usage at the discounted price.
 *
 * @param discountRate the fraction off list price for eligible usage (0.2 = 20% off)
 * @param models       the models whose usage draws it down; empty means every model
 * @param platforms    the platforms whose usage draws it down; empty means every platform
 */
public record Commitment(String id, String name, BigDecimal amount, Instant start, Instant end, BigDecimal discountRate,
                         List<String> models, List<String> platforms) {

    /** @throws PricingException naming the first field that is wrong */
    public Commitment {
        Objects.requireNonNull(id, "id");
        if (name == null || name.isBlank()) throw new PricingException("name is required");
        if (amount == null || amount.signum() <= 0) throw new PricingException("amount must be more than 0 dollars");
        if (start == null || end == null || !start.isBefore(end)) throw new PricingException("the period's start must be before its end");
        // Usage is summed by UTC day, so a period is whole days.
        if (!isMidnight(start) || !isMidnight(end)) throw new PricingException("the period must start and end on a day (UTC midnight)");
        if (discountRate == null || discountRate.signum() < 0 || discountRate.compareTo(BigDecimal.ONE) >= 0) {
            throw new PricingException("discount_rate must be a fraction from 0 up to (not including) 1");
        }
        models = List.copyOf(models);
        platforms = List.copyOf(platforms);
        platforms.forEach(Platforms::require);
    }

    private static boolean isMidnight(Instant t) {
        return t.truncatedTo(ChronoUnit.DAYS).equals(t);
    }

    public boolean covers(String model, String platform, Instant at) {
        return !at.isBefore(start) && at.isBefore(end)
                && (models.isEmpty() || models.contains(model))
                && (platforms.isEmpty() || platforms.contains(platform));
    }
}
