package dev.quarry.provider;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What a provider needs to reach its upstream.
 *
 * @param apiKey   the resolved secret, or {@code null} when the upstream needs none
 * @param options  its type's own settings (e.g. {@code api: responses}) as strings; the configuration
 *                 passes on only those its {@link ProviderType} declares, each checked against its kind
 */
public record ProviderSettings(
        String name,
        String type,
        URI baseUrl,
        String apiKey,
        Duration connectTimeout,
        Duration readTimeout,
        Map<String, String> options) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Longest silence allowed between two reads of an upstream answer; reasoning models think quietly. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMinutes(5);

    public ProviderSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
        readTimeout = readTimeout == null ? DEFAULT_READ_TIMEOUT : readTimeout;
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public String option(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }
}
