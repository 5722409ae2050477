package dev.quarry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.catalog.Capability;
import dev.quarry.catalog.Catalog;
import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.catalog.ModelKind;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Issue 15: new built-in ids resolve once deployed, and ids the catalog does not know keep working. */
class CatalogFreshnessTest {
    private static final Path DATA = Path.of("data");

    private static Catalog catalog(String yaml) {
        return Assembly.catalog(ConfigLoader.parse(yaml, "q.yaml", DATA));
    }

    @Test
    void aBedrockDeploymentNamesTheUpstreamModelApartFromTheCatalogId() {
        Catalog catalog = catalog("""
                providers: [{ name: aws, type: bedrock, region: us-east-2 }]
                models: [{ id: gpt-5.6-sol, deployments: [{ provider: aws, model: openai.gpt-5.6-sol }] }]
                """);
        ModelEntry byAlias = catalog.resolve("openai.gpt-5.6-sol", ModelKind.CHAT);
        ModelEntry byId = catalog.resolve("gpt-5.6-sol", ModelKind.CHAT);
        assertThat(byAlias).isSameAs(byId);
        assertThat(byId.id()).isEqualTo("gpt-5.6-sol");
        assertThat(byId.deployments()).containsExactly(new Deployment("aws", "openai.gpt-5.6-sol"));
    }

    @Test
    void theCurrentGenerationsResolveByTheirIdsAndBedrockIds() {
        Catalog catalog = catalog("""
                providers: [{ name: aws, type: bedrock, region: us-east-2 }]
                models:
                  - { id: gpt-6.1-sol, deployments: [{ provider: aws, model: openai.gpt-6.1-sol }] }
                  - { id: claude-opus-5-5, deployments: [{ provider: aws, model: global.anthropic.claude-opus-5-5 }] }
                """);
        assertThat(catalog.resolve("openai.gpt-6.1-sol", ModelKind.CHAT).id()).isEqualTo("gpt-6.1-sol");
        assertThat(catalog.resolve("anthropic.claude-opus-5-5", ModelKind.CHAT).deployments())
                .containsExactly(new Deployment("aws", "global.anthropic.claude-opus-5-5"));
        for (String id : new String[] {"gpt-6.2-astra", "gpt-6.2-sol", "gpt-6.1-terra", "gpt-6-luna", "claude-fable-5-1",
                "claude-sonnet-5-5", "claude-haiku-5-5", "gemini-3.8-flash", "gemini-3.1-pro-preview"}) {
            ModelEntry entry = catalog.find(id).orElseThrow();
            assertThat(entry.contextWindow()).as(id).isGreaterThanOrEqualTo(1_000_000);
            assertThat(entry.deployments()).as(id + " has no deployment until configured").isEmpty();
        }
    }

    @Test
    void anUnknownConfiguredIdStillWorks() {
        Catalog catalog = catalog("""
                providers: [{ name: up, type: openai-compatible, base_url: "http://127.0.0.1:9" }]
                models: [{ id: gpt-7-preview, aliases: [next], deployments: [{ provider: up, model: gpt-7-preview-2026-12 }] }]
                """);
        ModelEntry entry = catalog.resolve("gpt-7-preview", ModelKind.CHAT);
        assertThat(entry.family()).isEqualTo("custom");
        assertThat(entry.deployments()).containsExactly(new Deployment("up", "gpt-7-preview-2026-12"));
        assertThat(catalog.resolve("next", ModelKind.CHAT)).isSameAs(entry);
    }

    @Test
    void configuredCapabilitiesDescribeANewModelAndReplaceABuiltInModelsSet() {
        Catalog catalog = catalog("""
                providers: [{ name: up, type: openai-compatible, base_url: "http://127.0.0.1:9" }]
                models:
                  - { id: qwen-vl, capabilities: [vision, documents], deployments: [{ provider: up, model: qwen }] }
                  - { id: llama-3.3-70b, capabilities: [tools], deployments: [{ provider: up, model: llama }] }
                  - { id: plain, deployments: [{ provider: up, model: plain }] }
                """);
        assertThat(catalog.find("qwen-vl").orElseThrow().capabilities()).containsExactlyInAnyOrder(Capability.VISION, Capability.DOCUMENTS);
        assertThat(catalog.find("llama-3.3-70b").orElseThrow().capabilities()).containsExactly(Capability.TOOLS);
        assertThat(catalog.find("plain").orElseThrow().capabilities()).isEmpty();
        assertThat(catalog.find("gpt-5.5").orElseThrow().supports(Capability.DOCUMENTS)).isTrue();
    }

    @Test
    void anAddedModelNamesItsFamilyAndABuiltInOneKeepsItsOwn() {
        Catalog catalog = catalog("""
                providers: [{ name: up, type: openai-compatible, base_url: "http://127.0.0.1:9" }]
                models:
                  - { id: gpt-4o-finetune, family: gpt, deployments: [{ provider: up, model: ft:gpt-4o:acme }] }
                  - { id: gpt-5.5, family: gpt, deployments: [{ provider: up, model: gpt-5.5 }] }
                """);
        assertThat(catalog.find("gpt-4o-finetune").orElseThrow().family()).isEqualTo("gpt");
        assertThatThrownBy(() -> catalog("""
                providers: [{ name: up, type: openai-compatible, base_url: "http://127.0.0.1:9" }]
                models: [{ id: gpt-5.5, family: claude, deployments: [{ provider: up, model: gpt-5.5 }] }]
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("built-in model of family 'gpt'");
        assertThatThrownBy(() -> catalog("""
                providers: [{ name: up, type: openai-compatible, base_url: "http://127.0.0.1:9" }]
                models: [{ id: m, family: "GPT 4", deployments: [{ provider: up, model: m }] }]
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("models[0].family");
    }

    @Test
    void anUnknownCapabilityIsRefusedWithItsPathAndTheKnownOnes() {
        assertThatThrownBy(() -> catalog("""
                providers: [{ name: up, type: openai-compatible, base_url: "http://127.0.0.1:9" }]
                models: [{ id: m, capabilities: [vision, pdf], deployments: [{ provider: up, model: m }] }]
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models[0].capabilities[1]")
                .hasMessageContaining("[tools, vision, reasoning, prompt_cache, documents]")
                .hasMessageContaining("\"pdf\"");
    }

    @Test
    void aConfiguredIdOrAliasEqualToABuiltInAliasWinsOverIt() {
        Catalog catalog = catalog("""
                providers: [{ name: aws, type: bedrock, region: us-east-2 }]
                models:
                  - { id: openai.gpt-5.6-sol, deployments: [{ provider: aws, model: openai.gpt-5.6-sol }] }
                  - { id: my-haiku, aliases: [claude-haiku-4-5-20251001], deployments: [{ provider: aws, model: h }] }
                """);
        assertThat(catalog.resolve("openai.gpt-5.6-sol", ModelKind.CHAT).id()).isEqualTo("openai.gpt-5.6-sol");
        assertThat(catalog.resolve("claude-haiku-4-5-20251001", ModelKind.CHAT).id()).isEqualTo("my-haiku");
        assertThat(catalog.find("gpt-5.6-sol").orElseThrow().aliases()).containsExactly("gpt-5.6");
        assertThat(catalog.find("claude-haiku-4-5").orElseThrow().aliases()).isEmpty();
    }
}
