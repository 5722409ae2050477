package dev.quarry.server;

import dev.quarry.catalog.Catalog;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.surface.ModelListing;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The catalog as the model-list endpoints show it. */
final class ModelListings {
    private ModelListings() {}

    static List<ModelListing> of(Catalog catalog) {
        return catalog.models().stream().map(ModelListings::listing).toList();
    }

    static Optional<ModelListing> find(Catalog catalog, String id) {
        return catalog.models().stream().filter(m -> m.id().equals(id) || m.aliases().contains(id)).findFirst().map(ModelListings::listing);
    }

    private static ModelListing listing(ModelEntry m) {
        return new ModelListing(m.id(), m.family(), m.description(), m.contextWindow(), m.maxOutputTokens(),
                m.capabilities().stream().map(c -> c.name().toLowerCase(Locale.ROOT)).sorted().toList(),
                m.available(), m.testModel());
    }
}
