package dev.quarry.policy;

import java.util.List;

/**
 * @param sid       the statement's {@code Sid}, or its position ({@code #2}) when it has none
 * @param actions   action patterns, {@code *} and {@code ?} wildcards allowed
 * @param resources resource patterns, same wildcards
 */
public record Statement(String sid, Effect effect, List<String> actions, List<String> resources, List<Condition> conditions) {
    public Statement {
        actions = List.copyOf(actions);
        resources = List.copyOf(resources);
        conditions = List.copyOf(conditions);
    }
}
