package dev.quarry.surface;

import java.util.List;

/**
 * A model as model-list endpoints show it; built by the server from the catalog so that surfaces
 * need not know the catalog.
 */
public record ModelListing(String id, String family, String description, int contextWindow, int maxOutputTokens,
                           List<String> capabilities, boolean available, boolean testModel) {
    public ModelListing {
        capabilities = List.copyOf(capabilities);
    }
}
