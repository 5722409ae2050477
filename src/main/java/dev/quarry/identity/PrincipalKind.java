package dev.quarry.identity;

import dev.quarry.canonical.QuarryException;
import java.util.List;
import java.util.Locale;

/** What a principal is; a {@link #ROLE} has no keys of its own, only the temporary ones of whoever assumes it. */
public enum PrincipalKind {
    ADMIN, USER, SERVICE, AGENT, ROLE;

    /** The kinds an admin creates directly; roles are created with their trust, the admin is built in. */
    private static final List<PrincipalKind> CREATABLE = List.of(USER, SERVICE, AGENT);

    /** @throws QuarryException 400 for anything but user, service or agent (any case) */
    public static PrincipalKind creatable(String name) {
        return CREATABLE.stream().filter(k -> k.name().equalsIgnoreCase(name)).findFirst().orElseThrow(() -> QuarryException.invalid("kind",
                "'kind' must be one of user, service, agent (got '" + name + "'); roles are created with their trust, as roles."));
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
