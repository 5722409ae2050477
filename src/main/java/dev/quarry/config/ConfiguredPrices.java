package dev.quarry.config;

import dev.quarry.catalog.BuiltInCatalog;
import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.catalog.Price;
import dev.quarry.pricing.Money;
import dev.quarry.pricing.Platforms;
import dev.quarry.pricing.PriceEntry;
import dev.quarry.pricing.PricingException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the configuration file says about prices: each provider's platform, and each model's
 * {@code price:} as a sheet entry in force since the epoch on every platform the model is deployed
 * on. A price without both an input and an output price leaves the model unpriced.
 */
public final class ConfiguredPrices {
    private ConfiguredPrices() {}

    public static Map<String, String> platforms(QuarryConfig config) {
        Map<String, String> platforms = new HashMap<>();
        platforms.put(BuiltInCatalog.ECHO_PROVIDER, Platforms.LOCAL);
        platforms.put(BuiltInCatalog.MINILM_PROVIDER, Platforms.LOCAL);
        for (ProviderConfig p : config.providers()) platforms.put(p.name(), p.platform());
        return platforms;
    }

    public static List<PriceEntry> entries(List<ModelEntry> models, Map<String, String> platforms) {
        List<PriceEntry> entries = new ArrayList<>();
        for (ModelEntry m : models) {
            Price p = m.price();
            if (p.input() == null || p.output() == null) continue;
            Set<String> modelPlatforms = new LinkedHashSet<>();
            for (Deployment d : m.deployments()) modelPlatforms.add(platforms.get(d.provider()));
            for (String platform : modelPlatforms) {
                try {
                    entries.add(new PriceEntry(m.id(), platform, LocalDate.EPOCH, Money.USD, p.input(), p.output(), p.cacheRead(),
                            p.cacheWrite(), null, null));
                } catch (PricingException e) {
                    throw new ConfigException("models '" + m.id() + "' price: " + e.getMessage());
                }
            }
        }
        return entries;
    }
}
