package dev.quarry.config;

import dev.quarry.provider.ProviderType;
import java.time.Duration;
import java.util.Map;

/**
 * A {@code providers:} entry.
 *
 * @param baseUrl   where it calls: its {@code base_url}, else its type's default
 * @param apiKeyEnv the environment variable holding the upstream key; secrets never live in the file
 * @param platform  the price sheet platform its calls bill on: its {@code platform:} setting, else its type's
 * @param options   its type's own settings, such as {@code api: responses}, each checked against the type
 */
public record ProviderConfig(String name, ProviderType type, String baseUrl, String apiKeyEnv,
                             Duration connectTimeout, Duration readTimeout, String platform, Map<String, String> options) {}
