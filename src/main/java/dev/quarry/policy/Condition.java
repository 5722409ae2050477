package dev.quarry.policy;

import java.util.List;

/**
 * One test of a statement's {@code Condition} block: {@code "StringLike": {"quarry:ModelProvider": ["open*"]}}.
 * Values of one key are ORed; conditions of one statement are ANDed.
 */
public record Condition(ConditionOperator operator, String key, List<String> values) {
    public Condition {
        values = List.copyOf(values);
    }
}
