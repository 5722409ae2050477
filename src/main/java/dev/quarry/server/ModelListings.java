package dev.quarry.server;

import dev.quarry.catalog.Catalog;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.surface.ModelListing;
import java.util.List;
import java.util.Locale;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;

/** The catalog as the model-list endpoints show it. */
final class ModelListings {
    private ModelListings() {}

    static List<ModelListing> of(Catalog catalog) {
        return catalog.models().stream().map(ModelListings::listing).toList();
    }

    /** The listing of a model named by id or alias; a 404 in every surface's shape otherwise. */
    static ModelListing require(Catalog catalog, String id) {
        return catalog.models().stream().filter(m -> m.id().equals(id) || m.aliases().contains(id)).findFirst()
                .map(ModelListings::listing)
                .orElseThrow(() -> new QuarryException(new QuarryError(ErrorKind.MODEL_NOT_FOUND,
                        "The model '" + id + "' does not exist in this Quarry's catalog.", "model", null)));
    }

    private static ModelListing listing(ModelEntry m) {
        return new ModelListing(m.id(), m.family(), m.description(), m.contextWindow(), m.maxOutputTokens(),
                m.capabilities().stream().map(c -> c.name().toLowerCase(Locale.ROOT)).sorted().toList(),
                m.available(), m.testModel());
    }
}
