package dev.quarry.ratelimit;

import java.util.List;
import java.util.Objects;

/**
 * Whom and what one request is counted against. A request is admitted in two parts: once for its
 * caller and model, before routing; then once per deployment it is sent to, where a deployment's
 * limit is its capacity and a full one is passed over for the next.
 *
 * @param principal, model {@code null} when counting a deployment alone
 * @param deployment {@code provider/upstreamModel}, {@code null} when counting the caller and model
 *                   (a fallback model is counted with its deployment, when routing reaches it)
 */
public record Subjects(String principal, List<String> groups, String model, String deployment) {
    public Subjects {
        groups = List.copyOf(groups);
    }

    /** The caller and the model it asked for. */
    public static Subjects caller(String principal, List<String> groups, String model) {
        return new Subjects(Objects.requireNonNull(principal, "principal"), groups, Objects.requireNonNull(model, "model"), null);
    }

    /**
     * One deployment a request is about to be sent to, and the model it serves there when that is
     * a fallback (the model asked for was counted with the caller); {@code null} otherwise.
     */
    public static Subjects attempt(String fallbackModel, String deployment) {
        return new Subjects(null, List.of(), fallbackModel, Objects.requireNonNull(deployment, "deployment"));
    }

    List<String> in(Scope scope) {
        return switch (scope) {
            case PRINCIPAL -> listOf(principal);
            case GROUP -> groups;
            case MODEL -> listOf(model);
            case DEPLOYMENT -> listOf(deployment);
        };
    }

    private static List<String> listOf(String subject) {
        return subject == null ? List.of() : List.of(subject);
    }
}
