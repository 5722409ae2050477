package dev.quarry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.quarry.pricing.PriceEntry;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration file's part of the price sheet: provider platforms and per-model prices. */
class ConfiguredPricesTest {

    @Test
    void aModelsPriceHoldsSinceTheEpochOnEveryPlatformItIsDeployedOn() {
        QuarryConfig config = ConfigLoader.parse("""
                providers:
                  - { name: aws, type: bedrock, region: us-east-1 }
                  - { name: anthropic, type: anthropic, api_key_env: K }
                  - { name: vllm, type: openai-compatible, base_url: "http://127.0.0.1:8000/v1", platform: local }
                models:
                  - id: claude-sonnet-4.5
                    deployments: [{ provider: aws, model: a }, { provider: anthropic, model: b }]
                    price: { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75 }
                  - id: half-priced
                    deployments: [{ provider: vllm, model: c }]
                    price: { input: 1 }
                """, "q.yaml", Path.of("data"));
        Map<String, String> platforms = ConfiguredPrices.platforms(config);
        assertThat(platforms).containsEntry("aws", "bedrock").containsEntry("anthropic", "direct").containsEntry("vllm", "local")
                .containsEntry("quarry-echo", "local");

        var entries = ConfiguredPrices.entries(Assembly.catalog(config).models(), platforms);
        assertThat(entries).as("a price without an output price leaves its model unpriced")
                .extracting(PriceEntry::model, PriceEntry::platform)
                .containsExactlyInAnyOrder(tuple("claude-sonnet-4.5", "bedrock"),
                        tuple("claude-sonnet-4.5", "direct"));
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.effectiveFrom()).isEqualTo(LocalDate.EPOCH);
            assertThat(e.cacheRead()).isEqualByComparingTo("0.3");
        });
    }

    @Test
    void anUnknownPlatformIsAConfigurationErrorWithItsPath() {
        assertThatThrownBy(() -> ConfigLoader.parse("""
                providers: [{ name: p, type: openai, api_key_env: K, platform: openrouter }]""", "q.yaml", Path.of("data")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("q.yaml: providers[0].platform must be one of [azure, bedrock, direct, local, vertex], got \"openrouter\"");
    }
}
