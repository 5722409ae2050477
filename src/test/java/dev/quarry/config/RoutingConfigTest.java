package dev.quarry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.catalog.Deployment;
import dev.quarry.ratelimit.RateLimit;
import dev.quarry.ratelimit.Scope;
import dev.quarry.routing.CooldownPolicy;
import dev.quarry.routing.Experiment;
import dev.quarry.routing.ModelRoutes;
import dev.quarry.routing.RetryPolicy;
import dev.quarry.routing.Strategy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code routing:}, {@code experiments:} and deployment settings of the configuration file, and their mistakes. */
class RoutingConfigTest {
    private static final Path DATA = Path.of("data");
    private static final String PROVIDERS = """
            providers:
              - { name: us, type: openai-compatible, base_url: "http://127.0.0.1:1/v1" }
              - { name: eu, type: openai-compatible, base_url: "http://127.0.0.1:2/v1" }
            """;

    @Test
    void readsDeploymentsRoutesRetriesCooldownsAndExperiments() {
        QuarryConfig config = parse(PROVIDERS + """
                routing:
                  max_attempts: 5
                  attempts_per_model: 3
                  initial_backoff_ms: 50
                  max_backoff_ms: 1000
                  attempt_timeout_seconds: 20
                  total_timeout_seconds: 90
                  cooldown: { allowed_failures: 4, window_seconds: 30, cooldown_seconds: 10, throttled_cooldown_seconds: 2 }
                models:
                  - id: gpt-5.5
                    deployments:
                      - { provider: us, model: gpt, region: us-east-1, weight: 3, priority: 0, rpm: 600, tpm: 100000 }
                      - { provider: eu, model: gpt, region: eu-west-1, priority: 1, context_window: 128000 }
                    routing: { strategy: least-latency, fallbacks: [claude-sonnet-4-5], context_window_fallbacks: [gemini-2.5-pro] }
                  - { id: claude-sonnet-4-5, deployments: [{ provider: eu, model: claude }] }
                  - { id: gemini-2.5-pro, deployments: [{ provider: us, model: gemini }] }
                experiments:
                  - id: duel
                    model: assistant
                    sticky: session
                    variants: [{ name: gpt, model: gpt-5.5, weight: 3 }, { name: claude, model: claude-sonnet-4-5 }]
                """);
        assertThat(config.models().getFirst().deployments()).containsExactly(
                new Deployment("us", "gpt", "us-east-1", 3, 0, 0), new Deployment("eu", "gpt", "eu-west-1", 1, 1, 128_000));
        assertThat(config.rateLimits()).containsExactly(new RateLimit(Scope.DEPLOYMENT, "us/gpt", 600, 100_000));
        assertThat(config.routing().routes()).containsEntry("gpt-5.5", new ModelRoutes(Strategy.LEAST_LATENCY,
                List.of("claude-sonnet-4-5"), List.of("gemini-2.5-pro"), List.of()));
        assertThat(config.routing().retry()).isEqualTo(new RetryPolicy(5, 3, Duration.ofMillis(50), Duration.ofSeconds(1),
                Duration.ofSeconds(20), Duration.ofSeconds(90)));
        assertThat(config.routing().cooldown()).isEqualTo(new CooldownPolicy(4, Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofSeconds(2)));
        assertThat(config.routing().experiments()).containsExactly(new Experiment("duel", "assistant", Experiment.Sticky.SESSION,
                List.of(new Experiment.Variant("gpt", "gpt-5.5", 3), new Experiment.Variant("claude", "claude-sonnet-4-5", 1))));
        assertThat(Assembly.routing(config, Assembly.catalog(config))).isEqualTo(config.routing());
    }

    @Test
    void withoutRoutingSettingsTheDefaultsHold() {
        QuarryConfig config = parse(PROVIDERS);
        assertThat(config.routing().retry()).isEqualTo(RetryPolicy.DEFAULT);
        assertThat(config.routing().cooldown()).isEqualTo(CooldownPolicy.DEFAULT);
        assertThat(config.routing().routes()).isEmpty();
    }

    @Test
    void mistakesAreRefusedNamingTheField() {
        assertRefused("models: [{ id: m, deployments: [{ provider: us, model: x }], routing: { strategy: fastest } }]",
                "models[0].routing.strategy must be one of [priority, weighted, least-latency, lowest-cost, least-busy], not 'fastest'");
        assertRefused("models: [{ id: m, deployments: [{ provider: us, model: x, weight: 0 }] }]",
                "models[0].deployments[0].weight must be a whole number from 1 to 1000000");
        assertRefused("models: [{ id: m, deployments: [{ provider: us, model: x }, { provider: us, model: x }] }]",
                "models[0].deployments[1] repeats deployment us/x of this model");
        assertRefused("models: [{ id: m, deployments: [{ provider: us, model: x, rpm: 5 }] }]\n"
                + "rate_limits: [{ scope: deployment, name: us/x, requests_per_minute: 9 }]", "repeats the limit on deployment 'us/x'");
        assertRefused("routing: { max_attempts: 0 }", "routing.max_attempts must be a whole number from 1 to 1000000");
        assertRefused("routing: { retries: 3 }", "routing.retries is not a known setting");
        assertRefused("routing: { initial_backoff_ms: 5000, max_backoff_ms: 100 }", "routing.initial_backoff_ms must not be larger");
        assertRefused("routing: { attempt_timeout_seconds: 90, total_timeout_seconds: 30 }", "routing.attempt_timeout_seconds must not be larger");
        assertRefused("routing: { max_backoff_ms: 99999999 }", "routing.max_backoff_ms must be at most 600000");
        assertRefused("experiments: [{ id: e, model: a, variants: [{ name: only, model: quarry/echo }] }]",
                "experiments[0].variants must list at least two variants");
        assertRefused("experiments: [{ id: e, model: a, sticky: user, variants: [{ name: x, model: quarry/echo }, { name: y, model: quarry/echo }] }]",
                "experiments[0].sticky must be none, principal or session, not 'user'");
    }

    @Test
    void fallbacksAndVariantsMustBeModelsThatCanServe() {
        assertAssemblyRefused("models: [{ id: m, deployments: [{ provider: us, model: x }], routing: { fallbacks: [nope] } }]",
                "model 'm' falls back to 'nope', which is not a model of the catalog");
        assertAssemblyRefused("models: [{ id: m, deployments: [{ provider: us, model: x }], routing: { fallbacks: [quarry/minilm] } }]",
                "which serves another kind of request");
        assertAssemblyRefused("experiments: [{ id: e, model: quarry/echo, variants: [{ name: x, model: quarry/echo }, { name: y, model: quarry/echo }] }]",
                "splits 'quarry/echo', which is a model of the catalog");
        assertAssemblyRefused("experiments: [{ id: e, model: a, variants: [{ name: x, model: quarry/echo }, { name: y, model: ghost }] }]",
                "variant 'y' is served by 'ghost'");
        assertAssemblyRefused("experiments: [{ id: e, model: a, variants: [{ name: x, model: quarry/echo }, { name: y, model: quarry/minilm }] }]",
                "mixes chat and embedding models");
        assertAssemblyRefused("experiments: [{ id: e, model: a, variants: [{ name: x, model: quarry/echo }, { name: y, model: gpt-5.5 }] }]",
                "'gpt-5.5', which has no deployment");
    }

    private static QuarryConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, "q.yaml", DATA);
    }

    private static void assertRefused(String yaml, String message) {
        assertThatThrownBy(() -> parse(PROVIDERS + yaml)).isInstanceOf(ConfigException.class).hasMessageContaining(message);
    }

    private static void assertAssemblyRefused(String yaml, String message) {
        QuarryConfig config = parse(PROVIDERS + yaml);
        assertThatThrownBy(() -> Assembly.routing(config, Assembly.catalog(config))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }
}
