package dev.quarry.identity;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An identity requests are attributed to, with its tags (which policy conditions can test as
 * {@code quarry:PrincipalTag/KEY}). Tags are kept sorted so listings and JSON are stable.
 *
 * @param onBehalfOf for a role acting in an assumed session, the principal that assumed it (the
 *                   user at the root when roles are chained); {@code null} otherwise
 * @param sessionEnds for a role acting in an assumed session, when that session ends: a role
 *                   assumed from it ends no later ({@code null} otherwise)
 */
public record Principal(String id, String name, PrincipalKind kind, Map<String, String> tags, Principal onBehalfOf, Instant sessionEnds) {
    public Principal {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        tags = Collections.unmodifiableSortedMap(new TreeMap<>(tags));
    }

    public Principal(String id, String name, PrincipalKind kind, Map<String, String> tags) {
        this(id, name, kind, tags, null, null);
    }

    public Principal(String id, String name, PrincipalKind kind) {
        this(id, name, kind, Map.of());
    }

    /** This principal acting in a session that {@code assumer} assumed, until {@code ends}. */
    public Principal actingFor(Principal assumer, Instant ends) {
        return new Principal(id, name, kind, tags, assumer, ends);
    }

    /**
     * Whose limits and budgets a request is held to: this principal, and for a role session also
     * the principal that assumed it, so that no one gets past its own limits by assuming a role.
     */
    public List<Principal> accountable() {
        return onBehalfOf == null ? List.of(this) : List.of(this, onBehalfOf);
    }

    /** The id of the principal this one acts for, {@code null} when it acts for itself. */
    public String onBehalfOfId() {
        return onBehalfOf == null ? null : onBehalfOf.id();
    }

    /** The name of the principal this one acts for, {@code null} when it acts for itself. */
    public String onBehalfOfName() {
        return onBehalfOf == null ? null : onBehalfOf.name();
    }
}
