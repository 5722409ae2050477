package dev.quarry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.catalog.Catalog;
import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelKind;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    private static final Path DATA = Path.of("data");

    @Test
    void readsEverySection() {
        QuarryConfig config = ConfigLoader.parse("""
                server: { port: 9090, max_body_bytes: 2048, shutdown_grace_seconds: 5 }
                store: { url: "jdbc:postgresql://db/quarry" }
                providers:
                  - { name: openai, type: openai, api_key_env: OPENAI_API_KEY, api: responses, read_timeout_seconds: 60 }
                models:
                  - id: gpt-5.5
                    aliases: [gpt]
                    deployments: [{ provider: openai, model: gpt-5.5-2026-01 }]
                    price: { input: 1.25, output: 10, cache_read: 0.125 }
                  - { id: my-embedder, kind: embedding, context_window: 512, deployments: [{ provider: openai, model: text-embedding-3-small }] }
                """, "q.yaml", DATA);

        assertThat(config.server().port()).isEqualTo(9090);
        assertThat(config.server().maxBodyBytes()).isEqualTo(2048);
        assertThat(config.storeUrl()).isEqualTo("jdbc:postgresql://db/quarry");
        ProviderConfig openai = config.providers().getFirst();
        assertThat(openai.options()).containsEntry("api", "responses");
        assertThat(openai.readTimeout()).hasSeconds(60);

        Catalog catalog = Assembly.catalog(config);
        var gpt = catalog.resolve("gpt", ModelKind.CHAT);
        assertThat(gpt.id()).isEqualTo("gpt-5.5");
        assertThat(gpt.deployments()).containsExactly(new Deployment("openai", "gpt-5.5-2026-01"));
        assertThat(gpt.price().cacheRead()).isEqualByComparingTo(new BigDecimal("0.125"));
        assertThat(catalog.resolve("my-embedder", ModelKind.EMBEDDING).contextWindow()).isEqualTo(512);

        var settings = Assembly.providers(config, Map.of("OPENAI_API_KEY", "sk-test")::get);
        assertThat(settings.getFirst().apiKey()).isEqualTo("sk-test");
        assertThat(settings.getFirst().baseUrl()).hasToString("https://api.openai.com/v1");
    }

    @Test
    void anEmptyFileMeansEmbeddedDefaults() {
        assertThat(ConfigLoader.parse("", "q.yaml", DATA)).isEqualTo(QuarryConfig.defaults(DATA));
    }

    @Test
    void aTypoIsAnErrorNamingTheFieldAndTheKnownOnes() {
        assertThatThrownBy(() -> ConfigLoader.parse("models: [{ id: x, deploymets: [] }]", "q.yaml", DATA))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("q.yaml: models[0].deploymets is not a known setting").hasMessageContaining("deployments");
    }

    @Test
    void aDeploymentOnAnUnconfiguredProviderIsAnError() {
        QuarryConfig config = ConfigLoader.parse("models: [{ id: gpt-5.5, deployments: [{ provider: nowhere, model: m }] }]", "q.yaml", DATA);
        assertThatThrownBy(() -> Assembly.catalog(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("provider 'nowhere', which is not configured");
    }

    @Test
    void anUnsetKeyVariableIsNamed() {
        QuarryConfig config = ConfigLoader.parse("providers: [{ name: o, type: openai, api_key_env: MISSING_KEY }]", "q.yaml", DATA);
        assertThatThrownBy(() -> Assembly.providers(config, Map.<String, String>of()::get))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MISSING_KEY");
    }

    @Test
    void invalidYamlAndWrongTypesAreReported() {
        assertThatThrownBy(() -> ConfigLoader.parse("server: [", "q.yaml", DATA)).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> ConfigLoader.parse("server: { port: eighty }", "q.yaml", DATA)).hasMessageContaining("server.port");
        assertThatThrownBy(() -> ConfigLoader.parse("models: [{ id: x, price: { input: -1 } }]", "q.yaml", DATA))
                .hasMessageContaining("models[0].price.input");
    }
}
