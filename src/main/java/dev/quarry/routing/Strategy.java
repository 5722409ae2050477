package dev.quarry.routing;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How one model's deployments are ordered for a request; the first is tried first, the rest are its fallbacks. */
public enum Strategy {
    /** By priority (lower first), then in configuration order. */
    PRIORITY,
    /** A weighted random order: each deployment comes first in proportion to its weight. */
    WEIGHTED,
    /** Fastest first by the moving average of time to first token; unmeasured ones first, so each gets measured. */
    LEAST_LATENCY,
    /** Cheapest first by the request's worst-case cost at the price sheet's prices; unpriced ones last. */
    LOWEST_COST,
    /** Fewest requests in flight first. */
    LEAST_BUSY;

    /** The name used in configuration files: {@code least-latency}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<Strategy> of(String configName) {
        return Arrays.stream(values()).filter(s -> s.configName().equals(configName)).findFirst();
    }
}
