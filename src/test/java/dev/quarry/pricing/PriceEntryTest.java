package dev.quarry.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.Usage;
import java.math.BigDecimal;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The cost arithmetic of one price entry, exact to the last digit. */
class PriceEntryTest {
    /** $3 in, $15 out, cache reads 90% off ($0.30), cache writes at a 25% premium ($3.75). */
    private static final PriceEntry SONNET = entry("3", "15", "0.30", "3.75", null);

    @Test
    void eachKindOfTokenIsPricedAtItsOwnRate() {
        // 1,000 uncached input, 2,000 output, 10,000 read from the cache, 4,000 written to it.
        BigDecimal cost = SONNET.cost(new Usage(1_000, 2_000, 10_000, 4_000));
        // 1000×3 + 2000×15 + 10000×0.30 + 4000×3.75 = 3000 + 30000 + 3000 + 15000 = 51000 per million
        assertThat(cost).isEqualByComparingTo("0.051");
    }

    @Test
    void aCacheReadCostsATenthOfTheSameTokensUncached() {
        BigDecimal cached = SONNET.cost(new Usage(0, 0, 100_000, 0));
        BigDecimal uncached = SONNET.cost(new Usage(100_000, 0, 0, 0));
        assertThat(cached).isEqualByComparingTo("0.03");
        assertThat(uncached).isEqualByComparingTo("0.3");
    }

    @Test
    void withoutCachePricesCachedTokensCostTheInputPrice() {
        PriceEntry noCacheTier = entry("2", "8", null, null, null);
        assertThat(noCacheTier.cost(new Usage(0, 0, 500_000, 500_000))).isEqualByComparingTo("2");
    }

    @Test
    void fractionsOfAMicroDollarAreKeptUntilTheCostIsRecorded() {
        BigDecimal oneToken = entry("0.15", "0.6", null, null, null).cost(new Usage(1, 0, 0, 0));
        assertThat(oneToken).isEqualByComparingTo("0.00000015");
        assertThat(Money.toMicros(oneToken)).isZero();
        assertThat(Money.toMicros(new BigDecimal("0.0000005"))).isEqualTo(1);
        assertThat(Money.fromMicros(51_000)).isEqualByComparingTo("0.051");
    }

    @Test
    void batchUsageTakesTheBatchDiscountOffEveryPrice() {
        PriceEntry withBatch = entry("3", "15", "0.30", "3.75", "0.5");
        assertThat(withBatch.batchCost(new Usage(1_000_000, 1_000_000, 0, 0))).isEqualByComparingTo("9");
        assertThat(SONNET.batchCost(new Usage(1_000_000, 0, 0, 0))).isEqualByComparingTo("3");
    }

    @Test
    void badPricesAreRefusedNamingTheField() {
        assertThatThrownBy(() -> entry("-1", "15", null, null, null)).hasMessage("input price must not be negative, got -1");
        assertThatThrownBy(() -> entry("3", "15000", null, null, null))
                .hasMessageContaining("output price 15000 is more than $10000 per million tokens");
        assertThatThrownBy(() -> entry("3", "15", null, null, "1")).hasMessageContaining("batch_discount must be a fraction");
        assertThatThrownBy(() -> new PriceEntry("m", "direct", LocalDate.EPOCH, "EUR", BigDecimal.ONE, BigDecimal.ONE, null, null, null, null))
                .hasMessage("unknown currency 'EUR'; Quarry prices and meters in USD only");
        assertThatThrownBy(() -> new PriceEntry("m", "moon", LocalDate.EPOCH, "USD", BigDecimal.ONE, BigDecimal.ONE, null, null, null, null))
                .hasMessage("unknown platform 'moon'; known platforms: [azure, bedrock, direct, local, vertex]");
    }

    static PriceEntry entry(String input, String output, String cacheRead, String cacheWrite, String batch) {
        return new PriceEntry("claude-sonnet-4.5", "direct", LocalDate.of(2026, 1, 1), "USD", new BigDecimal(input), new BigDecimal(output),
                decimal(cacheRead), decimal(cacheWrite), null, decimal(batch));
    }

    private static BigDecimal decimal(String s) {
        return s == null ? null : new BigDecimal(s);
    }
}
