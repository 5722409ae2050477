package dev.quarry.identity;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Administering identities: principals and their tags, groups, roles, keys, and assuming a role.
 * The call's first resource is authorized before it gets here; a change that acts on a principal
 * besides that (a member, a key's owner, a role reached through the principal routes) is
 * authorized on it too, through {@link Acting#alsoOn}, and every change to what a principal may do
 * (membership, tags, a key, a role's trust, deleting a group) passes the {@link EscalationChecks}.
 * A change is in force on this node when its call returns ({@code identityChanged} drops this
 * node's caches) and on other nodes within a poll of the identity version.
 */
public final class IdentityAdmin {
    private final IdentityStore identities;
    private final EscalationChecks guard;
    private final Consumer<IssuedKey> onKeyIssued;
    private final Runnable identityChanged;
    private final Clock clock;

    /** A principal and the groups it belongs to. */
    public record Membership(Principal principal, List<String> groups) {}

    /** A role as created, with whom it trusts. */
    public record CreatedRole(Principal role, List<String> trust) {}

    /**
     * @param onKeyIssued     remembers a new key, so its first use needs no lookup
     * @param identityChanged drops what this node remembers of identities
     */
    public IdentityAdmin(IdentityStore identities, EscalationChecks guard, Consumer<IssuedKey> onKeyIssued, Runnable identityChanged,
                         Clock clock) {
        this.identities = identities;
        this.guard = guard;
        this.onKeyIssued = onKeyIssued;
        this.identityChanged = identityChanged;
        this.clock = clock;
    }

    public Principal createPrincipal(String name, PrincipalKind kind, Map<String, String> tags) {
        Principal created = identities.createPrincipal(name, kind, tags);
        identityChanged.run();
        return created;
    }

    public List<Principal> principals() {
        return identities.principals();
    }

    public Membership principal(Acting call, String name) {
        call.alsoAsRole(identities, name);
        Principal p = require(name);
        return new Membership(p, identities.groups().list().stream().filter(g -> g.members().contains(name)).map(Groups.Group::name).toList());
    }

    public void deletePrincipal(Acting call, String name) {
        call.alsoAsRole(identities, name);
        identities.deletePrincipal(name);
        identityChanged.run();
    }

    /** Sets the tags in {@code set} and removes those in {@code remove}; tags not named stay as they are. */
    public Principal tag(Acting call, String name, Map<String, String> set, List<String> remove) {
        call.alsoAsRole(identities, name);
        Principal p = require(name);
        Map<String, String> after = new LinkedHashMap<>(p.tags());
        after.putAll(set);
        remove.forEach(after::remove);
        guard.checkTags(call.caller(), name, after, call.conditions());
        if (!set.isEmpty()) p = identities.tag(name, set);
        if (!remove.isEmpty()) p = identities.untag(name, remove);
        identityChanged.run();
        return p;
    }

    /** Another key for an existing principal, so keys can be rotated with both live; {@code expiresIn} {@code null}: never. */
    public IssuedKey createKey(Acting call, String name, Duration expiresIn, String description) {
        call.alsoAsRole(identities, name);
        Principal p = require(name);
        guard.checkKeyFor(call.caller(), name, call.conditions());
        Instant expires = expiresIn == null ? null : clock.instant().plus(expiresIn);
        IssuedKey key = identities.keys().create(p, new KeyTerms(expires, description));
        onKeyIssued.accept(key);
        return key;
    }

    /** A key for that principal, made a user if it is new: an operator's first call. */
    public IssuedKey createUserKey(Acting call, String name) {
        call.alsoAsRole(identities, name);
        guard.checkKeyFor(call.caller(), name, call.conditions());
        IssuedKey key = identities.createKey(name, PrincipalKind.USER);
        onKeyIssued.accept(key);
        identityChanged.run();
        return key;
    }

    public List<KeyInfo> keys(Acting call, String name) {
        call.alsoAsRole(identities, name);
        return identities.keys().list(name);
    }

    public void disableKey(Acting call, String id) {
        alsoOnOwner(call, id);
        identities.keys().disable(id);
        identityChanged.run();
    }

    public void enableKey(Acting call, String id) {
        alsoOnOwner(call, id);
        identities.keys().enable(id);
        identityChanged.run();
    }

    public void deleteKey(Acting call, String id) {
        alsoOnOwner(call, id);
        identities.keys().delete(id);
        identityChanged.run();
    }

    public Groups.Group createGroup(String name) {
        Groups.Group group = identities.groups().create(name);
        identityChanged.run();
        return group;
    }

    public List<Groups.Group> groups() {
        return identities.groups().list();
    }

    public Groups.Group group(String name) {
        return identities.groups().get(name).orElseThrow(() -> notFound("group", name));
    }

    public void deleteGroup(Acting call, String name) {
        guard.checkDeleteGroup(call.caller(), name, call.conditions());
        identities.groups().delete(name);
        identityChanged.run();
    }

    public Groups.Group addMember(Acting call, String group, String principal) {
        call.alsoOn("principal/" + principal);
        call.alsoAsRole(identities, principal);
        guard.checkJoin(call.caller(), group, principal, call.conditions());
        Groups.Group changed = identities.groups().add(group, principal);
        identityChanged.run();
        return changed;
    }

    public Groups.Group removeMember(Acting call, String group, String principal) {
        call.alsoOn("principal/" + principal);
        call.alsoAsRole(identities, principal);
        guard.checkLeave(call.caller(), group, principal, call.conditions());
        Groups.Group changed = identities.groups().remove(group, principal);
        identityChanged.run();
        return changed;
    }

    /** {@code trust}: principal names and {@code group:NAME}s. */
    public CreatedRole createRole(Acting call, String name, List<String> trust, Map<String, String> tags) {
        guard.checkTrust(call.caller(), name, trust, call.conditions());
        Principal role = identities.roles().create(name, trust, tags);
        identityChanged.run();
        return new CreatedRole(role, trust.stream().distinct().sorted().toList());
    }

    public void deleteRole(String name) {
        identities.deleteRole(name);
        identityChanged.run();
    }

    /** Policy has decided whether the caller may ask; the role's trust decides whether it consents. {@code duration} {@code null}: the default. */
    public RoleSession assumeRole(Acting call, String role, Duration duration) {
        return identities.roles().assume(role, call.caller(), duration == null ? Roles.DEFAULT_SESSION : duration);
    }

    /** A key is acted on as part of its owner: a Deny on {@code principal/OWNER} (or {@code role/OWNER}, for a role's sessions) holds for its keys. */
    private void alsoOnOwner(Acting call, String keyId) {
        identities.keys().owner(keyId).ifPresent(owner -> {
            call.alsoOn("principal/" + owner);
            call.alsoAsRole(identities, owner);
        });
    }

    private Principal require(String name) {
        return identities.principal(name).orElseThrow(() -> notFound("principal", name));
    }

    private static QuarryException notFound(String what, String name) {
        return QuarryException.of(ErrorKind.NOT_FOUND, "There is no " + what + " named '" + name + "'.");
    }
}
