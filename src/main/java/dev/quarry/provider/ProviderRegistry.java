package dev.quarry.provider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** The providers of one running Quarry, by name: the built-in offline ones plus the configured ones. */
public final class ProviderRegistry {
    private final Map<String, Provider> byName = new LinkedHashMap<>();

    private ProviderRegistry() {}

    /**
     * @param env reads environment variables, for providers whose credentials are more than one
     *            API key (Bedrock's access key pair)
     * @throws IllegalArgumentException for an unknown type, a duplicate or reserved name, or
     *                                  settings the provider refuses (a missing API key)
     */
    public static ProviderRegistry create(List<Provider> builtIn, List<ProviderSettings> configured, Function<String, String> env) {
        ProviderRegistry registry = new ProviderRegistry();
        builtIn.forEach(registry::add);
        for (ProviderSettings settings : configured) registry.add(instantiate(settings, env));
        return registry;
    }

    private static Provider instantiate(ProviderSettings settings, Function<String, String> env) {
        return ProviderTypes.named(settings.type()).orElseThrow(() -> new IllegalArgumentException("provider '" + settings.name()
                        + "' has unknown type '" + settings.type() + "'; known types: " + ProviderTypes.names()))
                .factory().create(settings, env);
    }

    private void add(Provider provider) {
        if (byName.putIfAbsent(provider.name(), provider) != null) {
            throw new IllegalArgumentException("provider name '" + provider.name() + "' is used twice"
                    + (provider.name().startsWith("quarry-") ? " (names starting with 'quarry-' belong to the built-in providers)" : ""));
        }
    }

    public Optional<Provider> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Set<String> names() {
        return byName.keySet();
    }
}
