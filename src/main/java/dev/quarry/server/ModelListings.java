package dev.quarry.server;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.catalog.Catalog;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.surface.ModelListing;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/** The catalog as the model-list endpoints show it. */
final class ModelListings {
    private ModelListings() {}

    /** The models {@code shown} lets through: those the caller may invoke. */
    static List<ModelListing> of(Catalog catalog, Predicate<ModelEntry> shown) {
        return catalog.models().stream().filter(shown).map(ModelListings::listing).toList();
    }

    /** The model named by id or alias; a 404 in every surface's shape otherwise. */
    static ModelEntry require(Catalog catalog, String id) {
        return find(catalog, id).orElseThrow(() -> notFound(id));
    }

    /**
     * The listing of a model named by id or alias that {@code shown} lets through; a model it keeps
     * back is answered as one that does not exist, as the list leaves it out.
     */
    static ModelListing require(Catalog catalog, String id, Predicate<ModelEntry> shown) {
        return find(catalog, id).filter(shown).map(ModelListings::listing).orElseThrow(() -> notFound(id));
    }

    /** The resource a model named by id or alias is authorized as: {@code model/ID} by its canonical id when it exists. */
    static String resource(Catalog catalog, String id) {
        return "model/" + find(catalog, id).map(ModelEntry::id).orElse(id);
    }

    private static Optional<ModelEntry> find(Catalog catalog, String id) {
        return catalog.models().stream().filter(m -> m.id().equals(id) || m.aliases().contains(id)).findFirst();
    }

    private static QuarryException notFound(String id) {
        return new QuarryException(new QuarryError(ErrorKind.MODEL_NOT_FOUND,
                "The model '" + id + "' does not exist in this Quarry's catalog.", "model", null));
    }

    private static ModelListing listing(ModelEntry m) {
        return new ModelListing(m.id(), m.family(), m.description(), m.contextWindow(), m.maxOutputTokens(),
                m.capabilities().stream().map(c -> c.name().toLowerCase(Locale.ROOT)).sorted().toList(),
                m.available(), m.testModel());
    }
}
