package dev.quarry.catalog;

import java.util.Objects;

/**
 * A place a model can be served from: a configured provider and the model's name up there, with
 * what routing needs to choose between places.
 *
 * @param region        where the upstream runs (e.g. {@code eu-west-1}); {@code null} when not stated,
 *                      and then a residency policy counts it as outside every allowed region
 * @param weight        its share of traffic under the weighted strategy, at least 1
 * @param priority      lower is preferred under the priority strategy
 * @param contextWindow this deployment's context window when it is smaller than the model's, else 0
 */
public record Deployment(String provider, String upstreamModel, String region, int weight, int priority, int contextWindow) {
    public Deployment {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(upstreamModel, "upstreamModel");
        if (weight < 1) throw new IllegalArgumentException("a deployment's weight must be at least 1");
        if (contextWindow < 0) throw new IllegalArgumentException("a context window cannot be negative");
    }

    /** A deployment with no region, weight 1 and priority 0. */
    public Deployment(String provider, String upstreamModel) {
        this(provider, upstreamModel, null, 1, 0, 0);
    }

    /**
     * How the deployment is named in rate limits, health and response headers: {@code provider/upstreamModel},
     * unique within a model.
     */
    public String key() {
        return provider + "/" + upstreamModel;
    }

    /** The context window requests on this deployment must fit: its own, or the model's. 0 when unknown. */
    public int contextWindowOf(ModelEntry model) {
        return contextWindow > 0 ? contextWindow : model.contextWindow();
    }
}
