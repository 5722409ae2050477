package dev.quarry.policy;

import java.util.List;
import java.util.Objects;

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

    /** {@code expected} is derived from the values (and some parsed forms compare by identity): two conditions are equal as written. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Condition c && operator == c.operator && key.equals(c.key) && values.equals(c.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(operator, key, values);
    }

    boolean test(List<String> requestValues) {
        return operator.test(requestValues, expected);
    }
}
