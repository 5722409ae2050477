package dev.quarry.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.Usage;
import dev.quarry.metering.UsageReport.DailyUsage;
import dev.quarry.store.Database;
import dev.quarry.testing.StoreTargets;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Committed spend: drawdown at the discounted rate, eligibility, overflow, and the store. */
class CommitmentTest {
    private static final Commitment BEDROCK_CLAUDE = new Commitment("c1", "claude-on-bedrock", new BigDecimal("1000"),
            Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"), new BigDecimal("0.2"),
            List.of("claude"), List.of("bedrock"));

    @Test
    void eligibleUsageDrawsTheCommitmentDownAtTheDiscountedRate() {
        Drawdown d = Drawdown.of(BEDROCK_CLAUDE, List.of(
                day("claude", "bedrock", "2026-01-03", "500"),
                day("claude", "direct", "2026-01-03", "300"),     // other platform
                day("gpt-5.5", "bedrock", "2026-01-04", "200"),   // other model
                day("claude", "bedrock", "2026-02-01", "900")));  // after the period
        assertThat(d.listCost()).isEqualByComparingTo("500");
        assertThat(d.drawn()).isEqualByComparingTo("400");
        assertThat(d.remaining()).isEqualByComparingTo("600");
        assertThat(d.billed()).isEqualByComparingTo("400");
        assertThat(d.effectiveDiscount()).isEqualByComparingTo("0.2");
    }

    @Test
    void usageBeyondTheCommitmentIsBilledAtListPrice() {
        // 1,500 at list: the 1,000 commitment covers 1,250 of it (1,250 × 0.8), the other 250 is billed at list.
        Drawdown d = Drawdown.of(BEDROCK_CLAUDE, List.of(day("claude", "bedrock", "2026-01-10", "1500")));
        assertThat(d.drawn()).isEqualByComparingTo("1000");
        assertThat(d.remaining()).isEqualByComparingTo("0");
        assertThat(d.billed()).isEqualByComparingTo("1250");
        assertThat(d.effectiveDiscount()).isEqualByComparingTo("0.1667");
    }

    @Test
    void nothingUsedIsNoDiscount() {
        Drawdown d = Drawdown.of(BEDROCK_CLAUDE, List.of());
        assertThat(d.remaining()).isEqualByComparingTo("1000");
        assertThat(d.effectiveDiscount()).isEqualByComparingTo("0");
    }

    @Test
    void badCommitmentsAreRefused() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        assertThatThrownBy(() -> new Commitment("c", "n", new BigDecimal("-5"), start, start.plusSeconds(86_400), BigDecimal.ZERO,
                List.of(), List.of())).hasMessage("amount must be more than 0 dollars");
        assertThatThrownBy(() -> new Commitment("c", "n", BigDecimal.TEN, start, start, BigDecimal.ZERO, List.of(), List.of()))
                .hasMessage("the period's start must be before its end");
        assertThatThrownBy(() -> new Commitment("c", "n", BigDecimal.TEN, start, start.plusSeconds(3600), BigDecimal.ZERO, List.of(), List.of()))
                .hasMessage("the period must start and end on a day (UTC midnight)");
        assertThatThrownBy(() -> new Commitment("c", "n", BigDecimal.TEN, start, start.plusSeconds(86_400), BigDecimal.ONE, List.of(), List.of()))
                .hasMessageContaining("discount_rate must be a fraction");
        assertThatThrownBy(() -> new Commitment("c", "n", BigDecimal.TEN, start, start.plusSeconds(86_400), BigDecimal.ZERO, List.of(),
                List.of("gcp"))).hasMessageContaining("unknown platform 'gcp'");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void commitmentsAreStoredAndReadBack(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            CommitmentStore store = new CommitmentStore(db, Clock.systemUTC());
            Commitment added = store.add("claude-on-bedrock", new BigDecimal("1000.50"), BEDROCK_CLAUDE.start(), BEDROCK_CLAUDE.end(),
                    new BigDecimal("0.2"), List.of("claude", "claude-haiku"), List.of("bedrock"));
            store.add("everything", new BigDecimal("50"), BEDROCK_CLAUDE.start(), BEDROCK_CLAUDE.end(), BigDecimal.ZERO, List.of(), List.of());
            assertThat(store.all()).hasSize(2).first().satisfies(c -> {
                assertThat(c.id()).isEqualTo(added.id());
                assertThat(c.amount()).isEqualByComparingTo("1000.50");
                assertThat(c.models()).containsExactly("claude", "claude-haiku");
                assertThat(c.platforms()).containsExactly("bedrock");
            });
            assertThat(store.all().get(1).models()).isEmpty();
            assertThatThrownBy(() -> store.add("everything", BigDecimal.ONE, BEDROCK_CLAUDE.start(), BEDROCK_CLAUDE.end(), BigDecimal.ZERO,
                    List.of(), List.of())).hasMessage("a commitment named 'everything' already exists");
        }
    }

    private static DailyUsage day(String model, String platform, String day, String cost) {
        return new DailyUsage(model, platform, LocalDate.parse(day), Usage.ZERO, new BigDecimal(cost), 1, 0);
    }
}
