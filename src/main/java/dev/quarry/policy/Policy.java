package dev.quarry.policy;

import java.util.List;

/** A named, validated policy document. */
public record Policy(String name, List<Statement> statements) {
    public Policy {
        statements = List.copyOf(statements);
    }
}
