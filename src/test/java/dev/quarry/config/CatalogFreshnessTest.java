package dev.quarry.config;

import static org.assertj.core.api.Assertions.assertThat;

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
