package dev.quarry.ratelimit;

import java.util.List;
import java.util.Objects;

/**
 * Whom and what one request is counted against. A request is admitted in two parts: once for its
 * caller and model, before routing; then once per deployment it is sent to, where a deployment's
 * limit is its capacity and a full one is passed over for the next.
 *
 * @param principals the caller, and for a role session also the principal that assumed it; empty
 *                   when counting a deployment alone
 * @param groups     the groups of all of them, each once (so a shared group is charged once)
 * @param model      {@code null} when counting a deployment alone
 * @param deployment {@code provider/upstreamModel}, {@code null} when counting the caller and model
 *                   (a fallback model is counted with its deployment, when routing reaches it)
 */
public record Subjects(List<String> principals, List<String> groups, String model, String deployment) {
    public Subjects {
        principals = principals.stream().distinct().toList();
        groups = groups.stream().distinct().toList();
    }

    /** The caller (with whoever it acts for) and the model it asked for. */
    public static Subjects caller(List<String> principals, List<String> groups, String model) {
        if (principals.isEmpty()) throw new IllegalArgumentException("a caller has a principal");
        return new Subjects(principals, groups, Objects.requireNonNull(model, "model"), null);
    }

    /**
     * One deployment a request is about to be sent to, and the model it serves there when that is
     * a fallback (the model asked for was counted with the caller); {@code null} otherwise.
     */
    public static Subjects attempt(String fallbackModel, String deployment) {
        return new Subjects(List.of(), List.of(), fallbackModel, Objects.requireNonNull(deployment, "deployment"));
    }

    List<String> in(Scope scope) {
        return switch (scope) {
            case PRINCIPAL -> principals;
            case GROUP -> groups;
            case MODEL -> listOf(model);
            case DEPLOYMENT -> listOf(deployment);
        };
    }

    private static List<String> listOf(String subject) {
        return subject == null ? List.of() : List.of(subject);
    }
}
