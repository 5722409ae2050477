package dev.quarry.config;

import dev.quarry.guardrails.GuardrailSettings;
import dev.quarry.ratelimit.RateLimit;
import dev.quarry.routing.RoutingSettings;
import dev.quarry.store.Database;
import dev.quarry.store.Durability;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything {@code quarry serve} needs to start.
 *
 * @param storeUrl   a JDBC URL, or {@code null} for the SQLite file in {@code dataDir}
 * @param rateLimits requests and tokens per minute, counted in memory or, when {@code redisUrl} is set, in Redis
 *                   (deployments' capacities, {@code rpm}/{@code tpm}, are limits on them)
 * @param redisUrl   where nodes share rate-limit counters, or {@code null} to count on this node only
 * @param routing    retries, cooldowns and experiments; each model's routes come from {@code models:}
 * @param guardrails the config file's guardrails, and the one requests run under when they name none
 * @param ledgerDurability what a committed ledger row or audit event survives ({@code ledger.durability})
 */
public record QuarryConfig(ServerSettings server, Path dataDir, String storeUrl,
                           List<ProviderConfig> providers, List<ModelConfig> models,
                           List<RateLimit> rateLimits, URI redisUrl, RoutingSettings routing,
                           GuardrailSettings guardrails, AgentsSettings agents, Durability ledgerDurability) {

    public QuarryConfig {
        providers = List.copyOf(providers);
        models = List.copyOf(models);
        rateLimits = List.copyOf(rateLimits);
        routing = routing == null ? RoutingSettings.DEFAULTS : routing;
        guardrails = guardrails == null ? GuardrailSettings.NONE : guardrails;
        agents = agents == null ? AgentsSettings.DEFAULTS : agents;
        ledgerDurability = ledgerDurability == null ? Durability.DEFAULT : ledgerDurability;
    }

    /** Embedded defaults: no providers, the built-in catalog, SQLite in {@code dataDir}. */
    public static QuarryConfig defaults(Path dataDir) {
        return new QuarryConfig(ServerSettings.DEFAULTS, dataDir, null, List.of(), List.of(), List.of(), null, RoutingSettings.DEFAULTS, GuardrailSettings.NONE, AgentsSettings.DEFAULTS,
                Durability.DEFAULT);
    }

    /** Opens (and migrates) the store this configuration names. */
    public Database openStore() {
        return storeUrl == null ? Database.sqliteIn(dataDir, ledgerDurability) : Database.open(storeUrl, ledgerDurability);
    }

    public QuarryConfig withPort(int port) {
        return new QuarryConfig(server.withPort(port), dataDir, storeUrl, providers, models, rateLimits, redisUrl, routing, guardrails, agents, ledgerDurability);
    }

    public QuarryConfig withDataDir(Path dir) {
        return new QuarryConfig(server, dir, storeUrl, providers, models, rateLimits, redisUrl, routing, guardrails, agents, ledgerDurability);
    }
}
