package dev.quarry.routing;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Routing as configured: each model's routes, the retry budget and cooldown rules shared by all,
 * and the experiments.
 *
 * @param routes by model id
 */
public record RoutingSettings(Map<String, ModelRoutes> routes, RetryPolicy retry, CooldownPolicy cooldown, List<Experiment> experiments) {
    public static final RoutingSettings DEFAULTS = new RoutingSettings(Map.of(), RetryPolicy.DEFAULT, CooldownPolicy.DEFAULT, List.of());

    public RoutingSettings {
        routes = Map.copyOf(routes);
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(cooldown, "cooldown");
        experiments = List.copyOf(experiments);
    }
}
