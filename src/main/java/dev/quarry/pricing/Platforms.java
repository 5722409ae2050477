package dev.quarry.pricing;

import java.util.Map;
import java.util.Set;

/**
 * Where a model is bought, which decides its price sheet: the same model costs differently from
 * its maker ({@code direct}), on Azure, on Bedrock or on Vertex.
 *
 * <p>A provider's platform follows from its type: {@code openai}, {@code openai-compatible} and
 * {@code anthropic} are {@code direct}; {@code azure-openai} is {@code azure}; {@code bedrock} is
 * {@code bedrock}; {@code gemini} is {@code vertex}; Quarry's built-in offline models are
 * {@code local}. A provider's {@code platform:} option overrides this (e.g. a self-hosted vLLM
 * billed as {@code local}, or Gemini through AI Studio as {@code direct}).
 */
public final class Platforms {
    public static final String DIRECT = "direct";
    public static final String LOCAL = "local";
    public static final Set<String> KNOWN = Set.of(DIRECT, "azure", "bedrock", "vertex", LOCAL);

    /** The provider option that overrides the platform a provider's type implies. */
    public static final String OPTION = "platform";

    private static final Map<String, String> BY_PROVIDER_TYPE = Map.of(
            "openai", DIRECT,
            "openai-compatible", DIRECT,
            "anthropic", DIRECT,
            "azure-openai", "azure",
            "bedrock", "bedrock",
            "gemini", "vertex");

    private Platforms() {}

    /**
     * @param override the provider's {@code platform:} option, or {@code null}
     * @throws PricingException when the override names no known platform
     */
    public static String ofProvider(String type, String override) {
        if (override != null) return require(override);
        return BY_PROVIDER_TYPE.getOrDefault(type, DIRECT);
    }

    /** @throws PricingException naming the known platforms */
    public static String require(String platform) {
        if (!KNOWN.contains(platform)) {
            throw new PricingException("unknown platform '" + platform + "'; known platforms: " + KNOWN.stream().sorted().toList());
        }
        return platform;
    }
}
