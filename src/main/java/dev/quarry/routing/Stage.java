package dev.quarry.routing;

import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelEntry;
import java.util.List;
import java.util.Objects;
import java.util.function.BiPredicate;

/**
 * One model a request may be served by, the deployments it may use there, and how they are ordered.
 *
 * @param excluded deployments of the model left out for this caller (by policy: residency), so a
 *                 failure can say why it had fewer places to go
 */
public record Stage(ModelEntry model, Strategy strategy, List<Deployment> deployments, int excluded) {
    public Stage {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(strategy, "strategy");
        deployments = List.copyOf(deployments);
    }

    Stage keeping(BiPredicate<ModelEntry, Deployment> allowed) {
        List<Deployment> kept = deployments.stream().filter(d -> allowed.test(model, d)).toList();
        return new Stage(model, strategy, kept, excluded + deployments.size() - kept.size());
    }
}
