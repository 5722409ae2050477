package dev.quarry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.catalog.Catalog;
import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelKind;
import dev.quarry.ratelimit.RateLimit;
import dev.quarry.ratelimit.Scope;
import dev.quarry.store.Durability;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
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
    void ledgerDurabilityIsProcessUnlessPowerIsAskedForAndAnythingElseIsAnError() {
        assertThat(ConfigLoader.parse("", "q.yaml", DATA).ledgerDurability()).isEqualTo(Durability.PROCESS);
        assertThat(ConfigLoader.parse("ledger: {}", "q.yaml", DATA).ledgerDurability()).isEqualTo(Durability.PROCESS);
        assertThat(ConfigLoader.parse("ledger: { durability: process }", "q.yaml", DATA).ledgerDurability()).isEqualTo(Durability.PROCESS);
        assertThat(ConfigLoader.parse("ledger: { durability: power }", "q.yaml", DATA).ledgerDurability()).isEqualTo(Durability.POWER);
        assertThatThrownBy(() -> ConfigLoader.parse("ledger: { durability: disk }", "q.yaml", DATA))
                .isInstanceOf(ConfigException.class)
                .hasMessage("q.yaml: ledger.durability must be one of [process, power], not 'disk'");
        assertThatThrownBy(() -> ConfigLoader.parse("ledger: { durability: POWER }", "q.yaml", DATA))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ledger.durability must be one of");
        assertThatThrownBy(() -> ConfigLoader.parse("ledger: { durabilty: power }", "q.yaml", DATA))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ledger.durabilty is not a known setting");
        assertThatThrownBy(() -> ConfigLoader.parse("ledger: { durability: 1 }", "q.yaml", DATA))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ledger.durability must be a non-empty string");
    }

    @Test
    void anEmptyFileMeansEmbeddedDefaults() {
        assertThat(ConfigLoader.parse("", "q.yaml", DATA)).isEqualTo(QuarryConfig.defaults(DATA));
    }

    @Test
    void thePublicUrlExecutorsDialIsAnHttpUrlWithoutCredentials() {
        assertThat(ConfigLoader.parse("agents: { environments: { public_url: \"https://quarry.example/\" } }", "q.yaml", DATA)
                .agents().environments().publicUrl()).isEqualTo("https://quarry.example");
        assertThat(ConfigLoader.parse("", "q.yaml", DATA).agents().environments().publicUrl()).isNull();
        assertThatThrownBy(() -> ConfigLoader.parse("agents: { environments: { public_url: \"ws://quarry.example\" } }", "q.yaml", DATA))
                .hasMessageContaining("agents.environments.public_url").hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> ConfigLoader.parse("agents: { environments: { public_url: \"https://u:p@quarry.example\" } }", "q.yaml", DATA))
                .hasMessageContaining("must not carry credentials").hasMessageNotContaining("api_key_env");
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

    @Test
    void connectionLimitsAreReadAndCheckedWithTheirPath() {
        ConnectionLimits limits = ConfigLoader.parse("""
                server: { max_connections: 500, max_connections_per_client: 50, header_timeout_seconds: 5, idle_timeout_seconds: 30 }
                """, "q.yaml", DATA).server().connections();
        assertThat(limits).isEqualTo(new ConnectionLimits(500, 50, Duration.ofSeconds(5), Duration.ofSeconds(30)));
        assertThat(ConfigLoader.parse("server: { max_connections: 100 }", "q.yaml", DATA).server().connections().maxConnectionsPerClient())
                .as("the per-client default never exceeds the total").isEqualTo(100);
        assertThat(ConfigLoader.parse("server: { port: 1 }", "q.yaml", DATA).server().connections()).isEqualTo(ConnectionLimits.DEFAULTS);

        assertThatThrownBy(() -> ConfigLoader.parse("server: { max_connections: 0 }", "q.yaml", DATA))
                .hasMessageContaining("server.max_connections must be from 1");
        assertThatThrownBy(() -> ConfigLoader.parse("server: { max_connections: 10, max_connections_per_client: 11 }", "q.yaml", DATA))
                .hasMessageContaining("server.max_connections_per_client must be at most server.max_connections");
        assertThatThrownBy(() -> ConfigLoader.parse("server: { header_timeout_seconds: 0 }", "q.yaml", DATA))
                .hasMessageContaining("server.header_timeout_seconds");
        assertThatThrownBy(() -> ConfigLoader.parse("server: { idle_timeout_seconds: -1 }", "q.yaml", DATA))
                .hasMessageContaining("server.idle_timeout_seconds");
    }

    @Test
    void readsRateLimitsAndRedis() {
        QuarryConfig config = ConfigLoader.parse("""
                rate_limits:
                  - { scope: principal, name: "*", requests_per_minute: 60, tokens_per_minute: 100000 }
                  - { scope: deployment, name: openai/gpt-5.5, tokens_per_minute: 2000000 }
                redis: { url: "redis://127.0.0.1:6379" }
                """, "q.yaml", DATA);

        assertThat(config.rateLimits()).containsExactly(
                new RateLimit(Scope.PRINCIPAL, "*", 60, 100_000),
                new RateLimit(Scope.DEPLOYMENT, "openai/gpt-5.5", 0, 2_000_000));
        assertThat(config.redisUrl()).isEqualTo(URI.create("redis://127.0.0.1:6379"));
        assertThat(config.withPort(1).rateLimits()).isEqualTo(config.rateLimits());
        assertThat(ConfigLoader.parse("server: { port: 1 }", "q.yaml", DATA).redisUrl()).isNull();
    }

    @Test
    void badRateLimitsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> ConfigLoader.parse("rate_limits: [{ scope: team, name: a, requests_per_minute: 1 }]", "q.yaml", DATA))
                .hasMessageContaining("rate_limits[0].scope must be one of [principal, group, model, deployment], not 'team'");
        assertThatThrownBy(() -> ConfigLoader.parse("rate_limits: [{ scope: model, name: m }]", "q.yaml", DATA))
                .hasMessageContaining("rate_limits[0] must set requests_per_minute, tokens_per_minute or both");
        assertThatThrownBy(() -> ConfigLoader.parse("rate_limits: [{ scope: model, name: m, requests_per_minute: 0 }]", "q.yaml", DATA))
                .hasMessageContaining("rate_limits[0].requests_per_minute must be a whole number from 1 to 1000000000");
        assertThatThrownBy(() -> ConfigLoader.parse("rate_limits: [{ scope: model, requests_per_minute: 5 }]", "q.yaml", DATA))
                .hasMessageContaining("rate_limits[0].name is required");
        assertThatThrownBy(() -> ConfigLoader.parse("rate_limits: [{ scope: model, name: m, rpm: 5 }]", "q.yaml", DATA))
                .hasMessageContaining("rate_limits[0].rpm is not a known setting");
        assertThatThrownBy(() -> ConfigLoader.parse("""
                rate_limits:
                  - { scope: group, name: eng, requests_per_minute: 5 }
                  - { scope: group, name: eng, tokens_per_minute: 5 }
                """, "q.yaml", DATA)).hasMessageContaining("rate_limits[1] repeats the limit on group 'eng'");
    }

    @Test
    void aRedisUrlMustBeARedisUrl() {
        assertThatThrownBy(() -> ConfigLoader.parse("redis: { url: \"http://cache:6379\" }", "q.yaml", DATA))
                .hasMessageContaining("redis.url must look like redis://host:6379");
        assertThatThrownBy(() -> ConfigLoader.parse("redis: { host: cache }", "q.yaml", DATA))
                .hasMessageContaining("redis.host is not a known setting");
    }
}
