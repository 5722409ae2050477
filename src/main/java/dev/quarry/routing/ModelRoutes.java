package dev.quarry.routing;

import java.util.List;
import java.util.Objects;

/**
 * How requests for one model are routed: the order its deployments are tried in, and the models
 * to fall back to, one list per reason, when none of its deployments can answer.
 *
 * @param fallbacks               on errors and throttling (also replaced per request by a header)
 * @param contextWindowFallbacks  when the prompt is larger than every deployment's context window,
 *                                judged before calling from a token estimate, or an upstream says so
 * @param contentPolicyFallbacks  when an upstream refuses the request or its answer by content policy
 */
public record ModelRoutes(Strategy strategy, List<String> fallbacks, List<String> contextWindowFallbacks,
                          List<String> contentPolicyFallbacks) {
    public static final ModelRoutes DEFAULT = new ModelRoutes(Strategy.PRIORITY, List.of(), List.of(), List.of());

    public ModelRoutes {
        Objects.requireNonNull(strategy, "strategy");
        fallbacks = List.copyOf(fallbacks);
        contextWindowFallbacks = List.copyOf(contextWindowFallbacks);
        contentPolicyFallbacks = List.copyOf(contentPolicyFallbacks);
    }
}
