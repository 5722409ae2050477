package dev.quarry.budget;

import dev.quarry.canonical.QuarryException;
import dev.quarry.identity.Principal;
import java.util.Collection;
import java.util.Locale;
import java.util.Objects;

/**
 * Whose spending a budget limits. Written {@code principal:NAME}, {@code group:NAME},
 * {@code tag:KEY=VALUE} or {@code organisation}. Principals and groups are named, as policies name
 * them, so a budget reads the way an admin wrote it.
 *
 * @param value the principal or group name, or {@code KEY=VALUE}; {@code null} for the organisation
 */
public record Scope(Kind kind, String value) {
    public enum Kind { PRINCIPAL, GROUP, TAG, ORGANISATION }

    public Scope {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.ORGANISATION) != (value == null)) throw new IllegalArgumentException("scope " + kind + " with value " + value);
    }

    /** @throws QuarryException 400 naming the accepted forms */
    public static Scope parse(String text) {
        if (text.equalsIgnoreCase("organisation") || text.equalsIgnoreCase("organization")) return new Scope(Kind.ORGANISATION, null);
        int colon = text.indexOf(':');
        String value = colon < 0 ? "" : text.substring(colon + 1);
        Kind kind = switch (colon < 0 ? "" : text.substring(0, colon).toLowerCase(Locale.ROOT)) {
            case "principal" -> Kind.PRINCIPAL;
            case "group" -> Kind.GROUP;
            case "tag" -> value.indexOf('=') > 0 ? Kind.TAG : null;
            default -> null;
        };
        if (kind == null || value.isBlank()) {
            throw QuarryException.invalid("scope", "'" + text + "' is not a budget scope; write principal:NAME, group:NAME, "
                    + "tag:KEY=VALUE or organisation.");
        }
        return new Scope(kind, value);
    }

    /** Whether the budget governs this caller, given the groups it belongs to. */
    public boolean appliesTo(Principal principal, Collection<String> groups) {
        return switch (kind) {
            case PRINCIPAL -> principal.name().equals(value);
            case GROUP -> groups.contains(value);
            case TAG -> tagValue().equals(principal.tags().get(tagKey()));
            case ORGANISATION -> true;
        };
    }

    String tagKey() {
        return value.substring(0, value.indexOf('='));
    }

    String tagValue() {
        return value.substring(value.indexOf('=') + 1);
    }

    public String wire() {
        return kind == Kind.ORGANISATION ? "organisation" : kind.name().toLowerCase(Locale.ROOT) + ":" + value;
    }
}
