package dev.quarry.catalog;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One model of the catalog.
 *
 * @param family        the model family (gpt, claude, llama, nova, mistral, gemini, quarry)
 * @param contextWindow tokens of input plus output the model accepts, 0 when unknown
 * @param testModel     {@code true} for Quarry's built-in offline models that are not real LLMs
 * @param deployments   where it can be served, in order of preference; empty means unavailable
 */
public record ModelEntry(
        String id,
        String family,
        ModelKind kind,
        String description,
        int contextWindow,
        int maxOutputTokens,
        Set<Capability> capabilities,
        List<String> aliases,
        List<Deployment> deployments,
        Price price,
        boolean testModel) {

    public ModelEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        capabilities = Set.copyOf(capabilities);
        aliases = List.copyOf(aliases);
        deployments = List.copyOf(deployments);
        price = price == null ? Price.UNPRICED : price;
    }

    public boolean available() {
        return !deployments.isEmpty();
    }

    public boolean supports(Capability capability) {
        return capabilities.contains(capability);
    }

    /** This entry without the given aliases, for names the configuration claims for itself. */
    public ModelEntry withoutAliases(Set<String> names) {
        if (aliases.stream().noneMatch(names::contains)) return this;
        return new ModelEntry(id, family, kind, description, contextWindow, maxOutputTokens, capabilities,
                aliases.stream().filter(a -> !names.contains(a)).toList(), deployments, price, testModel);
    }

    /**
     * This entry with a configuration's additions: its aliases are added, and its capabilities,
     * deployments and price replace the entry's when given ({@code null} capabilities: keep them).
     */
    public ModelEntry configuredWith(List<String> moreAliases, Set<Capability> newCapabilities, List<Deployment> newDeployments,
                                     Price newPrice) {
        Set<String> allAliases = new LinkedHashSet<>(aliases);
        allAliases.addAll(moreAliases);
        return new ModelEntry(id, family, kind, description, contextWindow, maxOutputTokens,
                newCapabilities == null ? capabilities : newCapabilities,
                new ArrayList<>(allAliases),
                newDeployments.isEmpty() ? deployments : newDeployments,
                newPrice == null ? price : newPrice,
                testModel);
    }
}
