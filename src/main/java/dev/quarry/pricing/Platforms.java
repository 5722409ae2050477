package dev.quarry.pricing;

import java.util.Set;

/**
 * Where a model is bought, which decides its price sheet: the same model costs differently from
 * its maker ({@code direct}), on Azure, on Bedrock or on Vertex. A configured provider bills on the
 * platform its type names (each provider type declares it), unless its {@code platform:} setting
 * says otherwise (a self-hosted vLLM billed as {@code local}, Gemini through AI Studio as
 * {@code direct}); Quarry's built-in offline models are {@code local}.
 */
public final class Platforms {
    public static final String DIRECT = "direct";
    public static final String LOCAL = "local";
    public static final Set<String> KNOWN = Set.of(DIRECT, "azure", "bedrock", "vertex", LOCAL);

    private Platforms() {}

    /** @throws PricingException naming the known platforms */
    public static String require(String platform) {
        if (!KNOWN.contains(platform)) {
            throw new PricingException("unknown platform '" + platform + "'; known platforms: " + KNOWN.stream().sorted().toList());
        }
        return platform;
    }
}
