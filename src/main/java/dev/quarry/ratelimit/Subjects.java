package dev.quarry.ratelimit;

import java.util.List;
import java.util.Objects;

/**
 * Whom and what one request is counted against.
 *
 * @param deployment {@code provider/upstreamModel}
 */
public record Subjects(String principal, List<String> groups, String model, String deployment) {
    public Subjects {
        Objects.requireNonNull(principal, "principal");
        groups = List.copyOf(groups);
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(deployment, "deployment");
    }

    List<String> in(Scope scope) {
        return switch (scope) {
            case PRINCIPAL -> List.of(principal);
            case GROUP -> groups;
            case MODEL -> List.of(model);
            case DEPLOYMENT -> List.of(deployment);
        };
    }
}
