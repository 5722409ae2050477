package dev.quarry.routing;

import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelEntry;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;

/** The order each {@link Strategy} gives a model's deployments for one request. Sorts are stable: ties keep configuration order. */
final class Strategies {
    private Strategies() {}

    static List<Deployment> order(Strategy strategy, ModelEntry model, List<Deployment> deployments, HealthBoard health,
                                  CostOf costs, RandomGenerator random) {
        if (deployments.size() == 1) return deployments;
        List<Deployment> ordered = new ArrayList<>(deployments);
        switch (strategy) {
            case PRIORITY -> ordered.sort(Comparator.comparingInt(Deployment::priority));
            case WEIGHTED -> ordered.sort(Comparator.comparingDouble(byKey(deployments, d -> weightedKey(d, random))));
            case LEAST_LATENCY -> ordered.sort(Comparator.comparingDouble(byKey(deployments, d -> {
                double ewma = health.of(d).ewmaFirstTokenNanos();
                return Double.isNaN(ewma) ? -1 : ewma;
            })));
            case LOWEST_COST -> ordered.sort(Comparator.comparingDouble(byKey(deployments, d -> costs.worstCase(model, d)
                    .map(BigDecimal::doubleValue).orElse(Double.POSITIVE_INFINITY))));
            case LEAST_BUSY -> ordered.sort(Comparator.comparingDouble(byKey(deployments, d -> health.of(d).inFlight())));
        }
        return ordered;
    }

    /**
     * A weighted random order by exponential clocks (Efraimidis–Spirakis): each deployment draws
     * {@code -ln(u) / weight} and the smallest goes first, so a deployment is first with probability
     * weight / total, and the rest follow in the same proportions.
     */
    private static double weightedKey(Deployment d, RandomGenerator random) {
        return -Math.log(1 - random.nextDouble()) / d.weight();
    }

    /** Computes each deployment's sort key once, so a key that draws at random or reads shared state is stable during the sort. */
    private static ToDoubleFunction<Deployment> byKey(List<Deployment> deployments, ToDoubleFunction<Deployment> key) {
        Map<Deployment, Double> keys = new IdentityHashMap<>();
        for (Deployment d : deployments) keys.put(d, key.applyAsDouble(d));
        return keys::get;
    }
}
