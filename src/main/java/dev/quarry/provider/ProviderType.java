package dev.quarry.provider;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Everything Quarry knows about one type of provider a configuration may name: how to build one,
 * where it calls when the configuration gives no {@code base_url}, the price sheet platform it
 * bills on unless told otherwise, and the options it reads. Each provider package declares its
 * own; {@link ProviderTypes} lists them, and the registry, the configuration and pricing read
 * only that list.
 *
 * @param defaultBaseUrl {@code null} when there is no public endpoint to default to: a
 *                       compatible server or an Azure resource must be given its {@code base_url}
 * @param platform       the price sheet platform its calls bill on ({@code direct}, {@code azure}…)
 */
public record ProviderType(String name, Factory factory, String defaultBaseUrl, String platform, List<ProviderOption> options) {

    /** Builds a provider of this type. */
    @FunctionalInterface
    public interface Factory {
        /**
         * @param env reads environment variables, for providers whose credentials are more than one API key
         * @throws IllegalArgumentException for settings the provider refuses (a missing API key)
         */
        Provider create(ProviderSettings settings, Function<String, String> env);
    }

    public ProviderType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(platform, "platform");
        options = List.copyOf(options);
    }

    public Optional<ProviderOption> option(String name) {
        return options.stream().filter(o -> o.name().equals(name)).findFirst();
    }
}
