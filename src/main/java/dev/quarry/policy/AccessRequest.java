package dev.quarry.policy;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What is being asked: an action on a resource, in a context of condition keys and their values
 * (e.g. {@code quarry:SourceIp → ["10.1.2.3"]}, {@code quarry:PrincipalTag/team → ["search"]}).
 */
public record AccessRequest(String action, String resource, Map<String, List<String>> context) {
    /** Condition keys are case-insensitive, as in cloud IAM: stored lower-cased. */
    public AccessRequest {
        Map<String, List<String>> normalized = new HashMap<>();
        context.forEach((key, values) -> normalized.put(key.toLowerCase(Locale.ROOT), List.copyOf(values)));
        context = Map.copyOf(normalized);
    }

    /** The request's values for a condition key; empty when the key is absent. */
    public List<String> values(String key) {
        return context.getOrDefault(key.toLowerCase(Locale.ROOT), List.of());
    }
}
