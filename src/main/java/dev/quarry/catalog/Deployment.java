package dev.quarry.catalog;

import java.util.Objects;

/** A place a model can be served from: a configured provider and the model's name up there. */
public record Deployment(String provider, String upstreamModel) {
    public Deployment {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(upstreamModel, "upstreamModel");
    }
}
