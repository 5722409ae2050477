package dev.quarry.identity;

import java.util.Objects;

/** An identity requests are attributed to. */
public record Principal(String id, String name, PrincipalKind kind) {
    public Principal {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
    }
}
