package dev.quarry.routing;

import dev.quarry.canonical.QuarryError;
import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelEntry;

/** What routing made of a request: an answer from one deployment, or the error that ends it. */
public sealed interface Routed<T> {
    RouteTrace trace();

    /**
     * @param finished must be called once when the answer ends, with the error that broke it or
     *                 {@code null}: it releases the deployment's in-flight count and tells its health
     */
    record Served<T>(T value, ModelEntry model, Deployment deployment, RouteTrace trace, Finished finished) implements Routed<T> {}

    /** @param model, deployment the last tried, {@code null} when nothing was */
    record Failed<T>(QuarryError error, ModelEntry model, Deployment deployment, RouteTrace trace) implements Routed<T> {}

    @FunctionalInterface
    interface Finished {
        void accept(QuarryError failure);
    }
}
