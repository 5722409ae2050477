package dev.quarry.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading price files: both syntaxes, and every mistake refused with its place named. */
class PriceFileTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path dir;

    @Test
    void readsYamlAndJsonFiles() throws Exception {
        Path yaml = Files.writeString(dir.resolve("prices.yaml"), """
                - { model: gpt-5.5, platform: direct, effective_from: 2026-01-01, input: 1.25, output: 10, cache_read: 0.125 }
                - model: gpt-5.5
                  platform: azure
                  effective_from: 2026-02-01
                  currency: USD
                  input: "1.375"
                  output: 11
                  batch_discount: 0.5
                """);
        Path json = Files.writeString(dir.resolve("prices.json"), """
                [{"model": "claude-sonnet-4.5", "platform": "bedrock", "effective_from": "2026-01-01",
                  "input": 3, "output": 15, "cache_read": 0.3, "cache_write": 3.75, "cache_write_1h": 6}]""");
        List<PriceEntry> fromYaml = PriceFile.read(yaml);
        assertThat(fromYaml).hasSize(2);
        assertThat(fromYaml.get(1).input()).isEqualByComparingTo("1.375");
        assertThat(fromYaml.get(1).effectiveFrom()).isEqualTo(LocalDate.of(2026, 2, 1));
        assertThat(fromYaml.get(1).batchDiscount()).isEqualByComparingTo("0.5");
        assertThat(PriceFile.read(json).getFirst().cacheWrite1h()).isEqualByComparingTo("6");
    }

    @Test
    void whatItWritesItReadsBack() throws Exception {
        List<PriceEntry> entries = PriceFile.parse(YAML.readTree("""
                - { model: m, platform: vertex, effective_from: 2026-03-01, input: 1, output: 2, cache_read: 0.1, batch_discount: 0.5 }"""));
        assertThat(PriceFile.parse(PriceFile.json(entries))).isEqualTo(entries);
    }

    @Test
    void mistakesAreRefusedNamingTheEntryAndField() {
        assertRefused("- { model: m, platform: direct, effective_from: 2026-01-01, input: -3, output: 15 }",
                "[0]: input price must not be negative, got -3");
        assertRefused("- { model: m, platform: direct, effective_from: 2026-01-01, input: 3, output: 150000 }",
                "[0]: output price 150000 is more than $10000 per million tokens; prices are in dollars per million tokens");
        assertRefused("- { model: m, platform: direct, effective_from: 2026-01-01, currency: EUR, input: 3, output: 15 }",
                "[0]: unknown currency 'EUR'; Quarry prices and meters in USD only");
        assertRefused("- { model: m, platform: openrouter, effective_from: 2026-01-01, input: 3, output: 15 }",
                "[0]: unknown platform 'openrouter'; known platforms: [azure, bedrock, direct, local, vertex]");
        assertRefused("- { model: m, platform: direct, effective_from: 01/02/2026, input: 3, output: 15 }",
                "[0].effective_from must be a day like 2026-01-31, not '01/02/2026'");
        assertRefused("- { model: m, platform: direct, effective_from: 2026-01-01, input: 3, output: 15, cache_reads: 1 }",
                "[0].cache_reads is not a known field");
        assertRefused("- { model: m, platform: direct, effective_from: 2026-01-01, input: 3 }", "[0]: output price is required");
        assertRefused("{ model: m }", "prices must be a list of entries");
    }

    @Test
    void twoEntriesForTheSameModelPlatformAndDayOverlap() {
        assertRefused("""
                - { model: m, platform: direct, effective_from: 2026-01-01, input: 3, output: 15 }
                - { model: m, platform: azure, effective_from: 2026-01-01, input: 3, output: 15 }
                - { model: m, platform: direct, effective_from: 2026-01-01, input: 2, output: 10 }""",
                "[2] overlaps [0]: both price m on direct from 2026-01-01; give each price change its own effective_from");
    }

    private static void assertRefused(String yaml, String message) {
        JsonNode node;
        try {
            node = YAML.readTree(yaml);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThatThrownBy(() -> PriceFile.parse(node)).isInstanceOf(PricingException.class).hasMessageStartingWith(message);
    }
}
