package dev.quarry.identity;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An identity requests are attributed to, with its tags (which policy conditions can test as
 * {@code quarry:PrincipalTag/KEY}). Tags are kept sorted so listings and JSON are stable.
 */
public record Principal(String id, String name, PrincipalKind kind, Map<String, String> tags) {
    public Principal {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        tags = Collections.unmodifiableSortedMap(new TreeMap<>(tags));
    }

    public Principal(String id, String name, PrincipalKind kind) {
        this(id, name, kind, Map.of());
    }
}
