package dev.quarry.config;

import java.time.Duration;
import java.util.Map;

/**
 * A {@code providers:} entry.
 *
 * @param apiKeyEnv the environment variable holding the upstream key; secrets never live in the file
 * @param options   type-specific settings, such as {@code api: responses}
 */
public record ProviderConfig(String name, String type, String baseUrl, String apiKeyEnv,
                             Duration connectTimeout, Duration readTimeout, Map<String, String> options) {}
