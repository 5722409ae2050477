package dev.quarry.config;

import dev.quarry.catalog.BuiltInCatalog;
import dev.quarry.catalog.Catalog;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.catalog.ModelKind;
import dev.quarry.provider.ProviderSettings;
import dev.quarry.routing.Experiment;
import dev.quarry.routing.RoutingSettings;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Turns the configuration into the catalog and the provider settings a server runs with. */
public final class Assembly {
    private Assembly() {}

    /** The built-in catalog with the configuration's additions and new models. */
    public static Catalog catalog(QuarryConfig config) {
        // A name the configuration gives a model (its id or an alias) or an experiment wins over a built-in alias.
        Set<String> configuredNames = new HashSet<>();
        for (ModelConfig m : config.models()) {
            configuredNames.add(m.id());
            configuredNames.addAll(m.aliases());
        }
        config.routing().experiments().forEach(e -> configuredNames.add(e.model()));
        Map<String, ModelEntry> byId = new LinkedHashMap<>();
        for (ModelEntry entry : BuiltInCatalog.models()) byId.put(entry.id(), entry.withoutAliases(configuredNames));
        Set<String> providerNames = new HashSet<>(List.of(BuiltInCatalog.ECHO_PROVIDER, BuiltInCatalog.MINILM_PROVIDER));
        config.providers().forEach(p -> providerNames.add(p.name()));
        for (ModelConfig m : config.models()) {
            m.deployments().forEach(d -> {
                if (!providerNames.contains(d.provider())) {
                    throw new ConfigException("model '" + m.id() + "' is deployed on provider '" + d.provider()
                            + "', which is not configured under 'providers:' (configured: " + providerNames.stream().sorted().toList() + ")");
                }
            });
            ModelEntry base = byId.get(m.id());
            if (base != null && m.family() != null && !m.family().equals(base.family())) {
                throw new ConfigException("model '" + m.id() + "' is a built-in model of family '" + base.family()
                        + "'; a family may be given only to a model the configuration adds");
            }
            if (base == null) {
                base = new ModelEntry(m.id(), m.family() == null ? "custom" : m.family(), m.kind() == null ? ModelKind.CHAT : m.kind(), "Configured model",
                        m.contextWindow() == null ? 0 : m.contextWindow(), 0, Set.of(), List.of(), List.of(), null, false);
            }
            byId.put(m.id(), base.configuredWith(m.aliases(), m.capabilities(), m.deployments(), m.price()));
        }
        return new Catalog(new ArrayList<>(byId.values()));
    }

    /**
     * The configuration's routing, checked against the catalog: every fallback and every
     * experiment variant must be a model that can serve the same kind of request, and an
     * experiment must not hide a model of the catalog.
     */
    public static RoutingSettings routing(QuarryConfig config, Catalog catalog) {
        RoutingSettings routing = config.routing();
        routing.routes().forEach((id, routes) -> {
            ModelEntry model = catalog.find(id).orElseThrow();
            List<String> targets = new ArrayList<>(routes.fallbacks());
            targets.addAll(routes.contextWindowFallbacks());
            targets.addAll(routes.contentPolicyFallbacks());
            for (String target : targets) {
                ModelEntry fallback = catalog.find(target).orElseThrow(() -> new ConfigException("model '" + id
                        + "' falls back to '" + target + "', which is not a model of the catalog"));
                if (fallback.kind() != model.kind()) {
                    throw new ConfigException("model '" + id + "' falls back to '" + target + "', which serves another kind of request");
                }
                if (fallback == model) throw new ConfigException("model '" + id + "' falls back to itself");
            }
        });
        for (Experiment e : routing.experiments()) {
            if (catalog.find(e.model()).isPresent()) {
                throw new ConfigException("experiment '" + e.id() + "' splits '" + e.model() + "', which is a model of the catalog; "
                        + "give the experiment a model id of its own (clients send it instead)");
            }
            ModelEntry first = null;
            for (Experiment.Variant v : e.variants()) {
                ModelEntry model = catalog.find(v.model()).orElseThrow(() -> new ConfigException("experiment '" + e.id() + "' variant '"
                        + v.name() + "' is served by '" + v.model() + "', which is not a model of the catalog"));
                if (!model.available()) {
                    throw new ConfigException("experiment '" + e.id() + "' variant '" + v.name() + "' is served by '" + v.model()
                            + "', which has no deployment");
                }
                if (first != null && model.kind() != first.kind()) {
                    throw new ConfigException("experiment '" + e.id() + "' mixes chat and embedding models; its variants must serve "
                            + "the same kind of request");
                }
                first = first == null ? model : first;
            }
        }
        return routing;
    }

    /**
     * Provider settings with secrets resolved from the environment.
     *
     * @throws ConfigException when a provider's key variable is named but unset
     */
    public static List<ProviderSettings> providers(QuarryConfig config, Function<String, String> env) {
        List<ProviderSettings> settings = new ArrayList<>();
        for (ProviderConfig p : config.providers()) {
            String apiKey = null;
            if (p.apiKeyEnv() != null) {
                apiKey = env.apply(p.apiKeyEnv());
                if (apiKey == null || apiKey.isBlank()) {
                    throw new ConfigException("provider '" + p.name() + "' reads its API key from the environment variable "
                            + p.apiKeyEnv() + ", which is not set");
                }
            }
            settings.add(new ProviderSettings(p.name(), p.type().name(), URI.create(p.baseUrl()), apiKey, p.connectTimeout(),
                    p.readTimeout(), p.options()));
        }
        return settings;
    }
}
