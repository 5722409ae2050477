package dev.quarry.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.Usage;
import dev.quarry.store.Database;
import dev.quarry.store.StoreVersions;
import dev.quarry.testing.StoreTargets;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Versioned price entries in the store and the in-memory sheet built from them, on SQLite and PostgreSQL. */
class PriceSheetStoreTest {
    private static final Usage MILLION_IN_MILLION_OUT = new Usage(1_000_000, 1_000_000, 0, 0);
    private static final Map<String, String> PLATFORMS = Map.of("anthropic", "direct", "aws", "bedrock");

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aPriceChangeMidPeriodRepricesOnlyLaterRequests(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            PriceStore store = new PriceStore(db, Clock.systemUTC());
            store.add(List.of(entry("direct", "2026-01-01", "3", "15"), entry("direct", "2026-01-15", "2", "10")));
            PriceSheet sheet = new PriceSheet(store, List.of(), PLATFORMS);

            assertThat(sheet.cost("claude", "anthropic", MILLION_IN_MILLION_OUT, at("2026-01-14T23:59:59Z"))).hasValueSatisfying(
                    c -> assertThat(c).isEqualByComparingTo("18"));
            assertThat(sheet.cost("claude", "anthropic", MILLION_IN_MILLION_OUT, at("2026-01-15T00:00:00Z"))).hasValueSatisfying(
                    c -> assertThat(c).isEqualByComparingTo("12"));
            assertThat(sheet.cost("claude", "anthropic", MILLION_IN_MILLION_OUT, at("2025-12-31T12:00:00Z"))).isEmpty();
            assertThat(sheet.cost("claude", "aws", MILLION_IN_MILLION_OUT, at("2026-01-20T00:00:00Z")))
                    .as("no bedrock price was loaded").isEmpty();
            assertThat(sheet.worstCase("claude", "anthropic", 1_000_000, 2_000_000, at("2026-02-01T00:00:00Z")))
                    .hasValueSatisfying(c -> assertThat(c).isEqualByComparingTo("22"));
            assertThat(sheet.platformOf("aws")).hasValue("bedrock");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void storedEntriesAreVersionedNotEdited(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            PriceStore store = new PriceStore(db, Clock.systemUTC());
            long before = StoreVersions.read(db, StoreVersions.PRICING);
            assertThat(store.add(List.of(entry("direct", "2026-01-01", "3", "15")))).isEqualTo(1);
            assertThat(StoreVersions.read(db, StoreVersions.PRICING)).isGreaterThan(before);
            assertThat(store.add(List.of(entry("direct", "2026-01-01", "3.00", "15.0")))).as("the same prices again").isZero();
            assertThatThrownBy(() -> store.add(List.of(entry("direct", "2026-02-01", "1", "5"), entry("direct", "2026-01-01", "2", "15"))))
                    .isInstanceOf(PricingException.class)
                    .hasMessage("claude on direct already has a different price from 2026-01-01; prices are versioned: "
                            + "add an entry with a later effective_from");
            assertThat(store.all()).as("a refused load adds nothing").hasSize(1)
                    .first().satisfies(e -> assertThat(e.input()).isEqualByComparingTo("3"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void configuredPricesHoldSinceTheEpochUntilALoadedEntryTakesOver(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            PriceStore store = new PriceStore(db, Clock.systemUTC());
            PriceEntry configured = new PriceEntry("claude", "direct", LocalDate.EPOCH, "USD", new BigDecimal("4"), new BigDecimal("20"),
                    null, null, null, null);
            PriceSheet sheet = new PriceSheet(store, List.of(configured), PLATFORMS);
            assertThat(sheet.cost("claude", "anthropic", MILLION_IN_MILLION_OUT, at("2026-03-01T00:00:00Z")))
                    .hasValueSatisfying(c -> assertThat(c).isEqualByComparingTo("24"));

            store.add(List.of(entry("direct", "2026-03-01", "3", "15")));
            assertThat(sheet.cost("claude", "anthropic", MILLION_IN_MILLION_OUT, at("2026-03-01T00:00:00Z")))
                    .as("not reloaded yet").hasValueSatisfying(c -> assertThat(c).isEqualByComparingTo("24"));
            sheet.reload();
            assertThat(sheet.cost("claude", "anthropic", MILLION_IN_MILLION_OUT, at("2026-03-01T00:00:00Z")))
                    .hasValueSatisfying(c -> assertThat(c).isEqualByComparingTo("18"));
            assertThat(sheet.cost("claude", "anthropic", MILLION_IN_MILLION_OUT, at("2026-02-28T00:00:00Z")))
                    .hasValueSatisfying(c -> assertThat(c).isEqualByComparingTo("24"));
            assertThat(sheet.entries()).hasSize(2);
        }
    }

    static PriceEntry entry(String platform, String from, String input, String output) {
        return new PriceEntry("claude", platform, LocalDate.parse(from), "USD", new BigDecimal(input), new BigDecimal(output),
                null, null, null, null);
    }

    private static Instant at(String instant) {
        return Instant.parse(instant);
    }
}
