package dev.quarry.pricing;

import dev.quarry.canonical.Usage;
import dev.quarry.metering.UsageReport.DailyUsage;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Function;

/**
 * Recorded usage repriced as if another model on some platform had served it: each day's tokens,
 * scaled by the {@link TokenizerRatios tokenizer ratio} between the families, at the target's
 * price of that day (its batch tier when asked: what moving an offline workload to batch would
 * save). The old cost is the ledger's recorded cost; requests that were unpriced add
 * nothing to it and are counted apart.
 *
 * @param requests       requests repriced
 * @param unpricedBefore of those, requests the ledger has no cost for
 */
public record WhatIf(String model, String platform, BigDecimal oldCost, BigDecimal newCost, long requests, long unpricedBefore) {

    public BigDecimal difference() {
        return newCost.subtract(oldCost);
    }

    /**
     * @param batch    price at the target's batch tier (its full price where it has none)
     * @param familyOf the model family of a model id (for the tokenizer ratio)
     * @throws PricingException when the target has no price on some day of the usage
     */
    public static WhatIf reprice(List<DailyUsage> usage, String model, String platform, boolean batch, PriceSheet sheet,
                                 Function<String, String> familyOf) {
        String toFamily = familyOf.apply(model);
        BigDecimal oldCost = BigDecimal.ZERO;
        BigDecimal newCost = BigDecimal.ZERO;
        long requests = 0;
        long unpriced = 0;
        for (DailyUsage day : usage) {
            var at = day.day().atStartOfDay(ZoneOffset.UTC).toInstant();
            PriceEntry price = sheet.entryFor(model, platform, at).orElseThrow(() -> new PricingException(
                    model + " has no price on platform " + platform + " on " + day.day() + "; load one with 'quarry prices load FILE' (or PUT /admin/prices)"));
            BigDecimal ratio = TokenizerRatios.between(familyOf.apply(day.model()), toFamily);
            Usage scaled = scaled(day.usage(), ratio);
            newCost = newCost.add(batch ? price.batchCost(scaled) : price.cost(scaled));
            oldCost = oldCost.add(day.cost());
            requests += day.requests();
            unpriced += day.unpriced();
        }
        return new WhatIf(model, platform, oldCost, newCost, requests, unpriced);
    }

    private static Usage scaled(Usage u, BigDecimal ratio) {
        return new Usage(scaled(u.inputTokens(), ratio), scaled(u.outputTokens(), ratio), scaled(u.cacheReadTokens(), ratio),
                scaled(u.cacheWriteTokens(), ratio));
    }

    private static long scaled(long tokens, BigDecimal ratio) {
        return BigDecimal.valueOf(tokens).multiply(ratio).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }
}
