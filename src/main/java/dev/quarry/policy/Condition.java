package dev.quarry.policy;

import java.util.List;

/**
 * One test of a statement's {@code Condition} block: {@code "StringLike": {"quarry:ModelProvider": ["open*"]}}.
 * Values of one key are ORed; conditions of one statement are ANDed.
 *
 * @param expected the values parsed for the operator (numbers, instants, networks) once, when the
 *                 policy is read, rather than on every request it is evaluated for
 */
public record Condition(ConditionOperator operator, String key, List<String> values, List<Object> expected) {
    public Condition {
        values = List.copyOf(values);
        expected = List.copyOf(expected);
    }

    /** @throws PolicyException when a value does not suit the operator */
    public Condition(ConditionOperator operator, String key, List<String> values) {
        this(operator, key, values, values.stream().map(operator::parse).toList());
    }

    boolean test(List<String> requestValues) {
        return operator.test(requestValues, expected);
    }
}
