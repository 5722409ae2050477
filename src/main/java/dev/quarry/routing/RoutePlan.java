package dev.quarry.routing;

import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelEntry;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

/**
 * Where one request may go: the model it asked for, then the models to fall back to, one list per
 * reason a model could not answer. Built by the {@link Planner}, narrowed to what the caller is
 * allowed to use by authorization, walked by the {@link Router}.
 */
public record RoutePlan(Stage requested, List<Stage> onError, List<Stage> onContextWindow, List<Stage> onContentPolicy) {
    public RoutePlan {
        Objects.requireNonNull(requested, "requested");
        onError = List.copyOf(onError);
        onContextWindow = List.copyOf(onContextWindow);
        onContentPolicy = List.copyOf(onContentPolicy);
    }

    /** A plan with one model and no fallbacks. */
    public static RoutePlan single(Stage stage) {
        return new RoutePlan(stage, List.of(), List.of(), List.of());
    }

    /** The same plan with only the deployments {@code allowed} accepts; each pair is asked once. */
    public RoutePlan keeping(BiPredicate<ModelEntry, Deployment> allowed) {
        return new RoutePlan(requested.keeping(allowed), keep(onError, allowed), keep(onContextWindow, allowed),
                keep(onContentPolicy, allowed));
    }

    /** How a candidate (a model on a deployment) is named in maps: {@code model|provider/upstreamModel}. */
    public static String key(ModelEntry model, Deployment deployment) {
        return model.id() + "|" + deployment.key();
    }

    /** Every model and deployment the plan may use, the requested model's first. */
    public void forEachCandidate(BiConsumer<ModelEntry, Deployment> action) {
        forEachDeployment(requested, action);
        for (List<Stage> fallbacks : List.of(onError, onContextWindow, onContentPolicy)) {
            for (Stage stage : fallbacks) forEachDeployment(stage, action);
        }
    }

    private static void forEachDeployment(Stage stage, BiConsumer<ModelEntry, Deployment> action) {
        for (Deployment d : stage.deployments()) action.accept(stage.model(), d);
    }

    private static List<Stage> keep(List<Stage> stages, BiPredicate<ModelEntry, Deployment> allowed) {
        return stages.stream().map(s -> s.keeping(allowed)).toList();
    }
}
