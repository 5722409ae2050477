package dev.quarry.routing;

import java.util.Arrays;
import java.util.List;

/**
 * What the client asked of routing for one request, from its headers.
 *
 * @param fallbacks the models to fall back to on errors instead of the model's own, empty for none;
 *                  {@code null} when the client did not say
 * @param session   the session key for sticky experiments, {@code null} when not sent
 */
public record RoutingHints(List<String> fallbacks, String session) {
    public static final RoutingHints NONE = new RoutingHints(null, null);

    public RoutingHints {
        fallbacks = fallbacks == null ? null : List.copyOf(fallbacks);
    }

    /** From the header values ({@code null} when absent): {@code X-Quarry-Fallbacks: a, b} or {@code none}. */
    public static RoutingHints of(String fallbacksHeader, String sessionHeader) {
        if (fallbacksHeader == null && sessionHeader == null) return NONE;
        List<String> fallbacks = null;
        if (fallbacksHeader != null) {
            fallbacks = fallbacksHeader.isBlank() || fallbacksHeader.trim().equalsIgnoreCase("none") ? List.of()
                    : Arrays.stream(fallbacksHeader.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
        }
        return new RoutingHints(fallbacks, sessionHeader);
    }
}
