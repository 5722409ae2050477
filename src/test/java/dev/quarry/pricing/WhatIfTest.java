package dev.quarry.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.Usage;
import dev.quarry.metering.UsageReport.DailyUsage;
import dev.quarry.store.Database;
import dev.quarry.testing.StoreTargets;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Repricing recorded usage against another model and platform. */
class WhatIfTest {
    private static final Function<String, String> FAMILY = Map.of("gpt-5.5", "gpt", "gpt-5-mini", "gpt", "claude", "claude")::get;

    @Test
    void tokensAreScaledByTheTokenizerRatioBetweenFamilies() {
        assertThat(TokenizerRatios.between("gpt", "gpt")).isEqualByComparingTo("1");
        assertThat(TokenizerRatios.between("gpt", "claude")).isEqualByComparingTo("1.2");
        assertThat(TokenizerRatios.between("claude", "gpt")).isEqualByComparingTo("0.8333333333333333");
        assertThat(TokenizerRatios.between("someone-new", "gpt")).isEqualByComparingTo("1");
    }

    @Test
    void repricesEachDayAtTheTargetsPriceOfThatDay() {
        try (Database db = Database.open(StoreTargets.freshUrl("sqlite"))) {
            PriceStore store = new PriceStore(db, Clock.systemUTC());
            store.add(List.of(
                    new PriceEntry("claude", "bedrock", LocalDate.parse("2026-01-01"), "USD", new BigDecimal("3"), new BigDecimal("15"),
                            new BigDecimal("0.3"), null, null, null),
                    new PriceEntry("claude", "bedrock", LocalDate.parse("2026-01-10"), "USD", new BigDecimal("2"), new BigDecimal("10"),
                            new BigDecimal("0.2"), null, null, new BigDecimal("0.5"))));
            PriceSheet sheet = new PriceSheet(store, List.of(), Map.of());
            List<DailyUsage> usage = List.of(
                    new DailyUsage("gpt-5.5", "direct", LocalDate.parse("2026-01-05"), new Usage(1_000_000, 100_000, 500_000, 0),
                            new BigDecimal("3.5"), 40, 0),
                    new DailyUsage("gpt-5-mini", "direct", LocalDate.parse("2026-01-12"), new Usage(1_000_000, 0, 0, 0),
                            new BigDecimal("0.25"), 10, 2));

            WhatIf w = WhatIf.reprice(usage, "claude", "bedrock", false, sheet, FAMILY);

            // Day 1 ×1.2 tokens at $3/$15/$0.3: 1.2M×3 + 120k×15 + 600k×0.3 = 3.6 + 1.8 + 0.18 = 5.58
            // Day 2 ×1.2 tokens at the new $2 input: 1.2M×2 = 2.4
            assertThat(w.newCost()).isEqualByComparingTo("7.98");
            assertThat(w.oldCost()).isEqualByComparingTo("3.75");
            assertThat(w.difference()).isEqualByComparingTo("4.23");
            assertThat(w.requests()).isEqualTo(50);
            assertThat(w.unpricedBefore()).isEqualTo(2);

            // As batch: the second day's price has a 50% batch tier, the first day's none.
            assertThat(WhatIf.reprice(usage, "claude", "bedrock", true, sheet, FAMILY).newCost()).isEqualByComparingTo("6.78");

            assertThatThrownBy(() -> WhatIf.reprice(usage, "claude", "direct", false, sheet, FAMILY))
                    .hasMessageContaining("claude has no price on platform direct on 2026-01-05");
        }
    }
}
