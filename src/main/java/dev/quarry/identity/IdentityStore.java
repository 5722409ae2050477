package dev.quarry.identity;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.store.Database;
import dev.quarry.store.StoreVersions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import static dev.quarry.identity.PrincipalRows.update;

/**
 * Principals and their tags in the store, and the entry points to their keys ({@link #keys()}),
 * groups ({@link #groups()}) and roles ({@link #roles()}). Every change bumps the identity
 * version in its transaction, so caches everywhere notice it ({@link dev.quarry.store.ChangeWatcher}).
 */
public final class IdentityStore {
    private final Database db;
    private final Clock clock;
    private final KeyStore keys;
    private final Groups groups;
    private final Roles roles;

    public IdentityStore(Database db, MasterKey masterKey) {
        this(db, masterKey, Clock.systemUTC());
    }

    /** @param clock the time keys are created, used, disabled and expire at */
    public IdentityStore(Database db, MasterKey masterKey, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.keys = new KeyStore(db, Objects.requireNonNull(masterKey, "masterKey"), clock);
        this.groups = new Groups(db, clock);
        this.roles = new Roles(db, keys, clock);
    }

    public KeyStore keys() {
        return keys;
    }

    public Groups groups() {
        return groups;
    }

    public Roles roles() {
        return roles;
    }

    /** The principal with this name, created with the given kind if there is none yet. */
    public Principal ensurePrincipal(String name, PrincipalKind kind) {
        // Looked up outside a change first: nearly every call finds it, and a change would be counted.
        Optional<Principal> known = principal(name);
        if (known.isPresent()) return known.get();
        return StoreVersions.change(db, StoreVersions.IDENTITY, c -> {
            Optional<Principal> existing = PrincipalRows.byName(c, name);
            return existing.isPresent() ? existing.get() : insert(c, name, kind, Map.of());
        });
    }

    /** @throws QuarryException {@link ErrorKind#INVALID_REQUEST} when the name is taken or a name or tag is malformed */
    public Principal createPrincipal(String name, PrincipalKind kind, Map<String, String> tags) {
        return StoreVersions.change(db, StoreVersions.IDENTITY, c -> {
            if (PrincipalRows.byName(c, name).isPresent()) {
                throw QuarryException.of(ErrorKind.INVALID_REQUEST, "A principal named '" + name + "' already exists.");
            }
            return insert(c, name, kind, tags);
        });
    }

    public Optional<Principal> principal(String name) {
        return db.read(c -> PrincipalRows.byName(c, name));
    }

    /** By id, with its tags: what an agent session's harness credential names. */
    Optional<Principal> principalById(String id) {
        return db.read(c -> PrincipalRows.byId(c, id));
    }

    public List<Principal> principals() {
        return db.read(c -> {
            List<Principal> all = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id, name, kind FROM principals ORDER BY name");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) all.add(PrincipalRows.at(c, r, 1));
            }
            return all;
        });
    }

    /**
     * Deletes a principal and everything that hangs off it: keys (and sessions of a role, and the
     * sessions it assumed), tags, memberships, trust. Trust entries naming it go too, so a later principal of the same name
     * does not inherit the right to assume roles.
     *
     * @throws QuarryException {@link ErrorKind#NOT_FOUND}, or {@link ErrorKind#INVALID_REQUEST} for the bootstrap admin
     */
    public void deletePrincipal(String name) {
        delete(name, "principal", p -> true);
    }

    /** Deletes a role (as {@link #deletePrincipal}), refusing to delete any other kind of principal by mistake. */
    public void deleteRole(String name) {
        delete(name, "role", p -> p.kind() == PrincipalKind.ROLE);
    }

    private void delete(String name, String what, Predicate<Principal> expected) {
        if (BootstrapAdmin.PRINCIPAL.equals(name)) {
            throw QuarryException.of(ErrorKind.INVALID_REQUEST, "The bootstrap admin '" + name + "' cannot be deleted.");
        }
        StoreVersions.change(db, StoreVersions.IDENTITY, c -> {
            Principal p = PrincipalRows.byName(c, name).filter(expected)
                    .orElseThrow(() -> QuarryException.of(ErrorKind.NOT_FOUND, "There is no " + what + " named '" + name + "'."));
            String keysOf = "SELECT id FROM api_keys WHERE principal_id = ?";
            // Sessions it assumed end with it (authenticating refuses them as soon as it is gone); their
            // keys are marked deleted too, so the role's key listing does not show them as live.
            update(c, "UPDATE api_keys SET revoked_at = ? WHERE revoked_at IS NULL AND id IN (SELECT key_id FROM role_sessions WHERE assumed_by = ?)",
                    clock.millis(), p.id());
            update(c, "DELETE FROM role_sessions WHERE role_id = ? OR key_id IN (" + keysOf + ")", p.id(), p.id());
            update(c, "DELETE FROM access_keys WHERE key_id IN (" + keysOf + ")", p.id());
            update(c, "DELETE FROM api_keys WHERE principal_id = ?", p.id());
            update(c, "DELETE FROM principal_tags WHERE principal_id = ?", p.id());
            update(c, "DELETE FROM group_members WHERE principal_id = ?", p.id());
            update(c, "DELETE FROM role_trust WHERE role_id = ? OR trusted = ?", p.id(), p.name());
            // Policies are attached by name: a principal created later under this name must not inherit them.
            // (The identity version bump above makes the policy directory reload too.)
            update(c, "DELETE FROM policy_attachments WHERE target_type = 'principal' AND target_name = ?", p.name());
            update(c, "DELETE FROM permission_boundaries WHERE principal_name = ?", p.name());
            update(c, "DELETE FROM principals WHERE id = ?", p.id());
            return null;
        });
    }

    /** Sets tags (adding or replacing values), leaving other tags as they are. */
    public Principal tag(String name, Map<String, String> tags) {
        tags.forEach(Names::requireTag);
        return StoreVersions.change(db, StoreVersions.IDENTITY, c -> {
            Principal p = PrincipalRows.require(c, name);
            for (var tag : tags.entrySet()) {
                update(c, "DELETE FROM principal_tags WHERE principal_id = ? AND tag_key = ?", p.id(), tag.getKey());
                update(c, "INSERT INTO principal_tags (principal_id, tag_key, tag_value) VALUES (?, ?, ?)", p.id(), tag.getKey(), tag.getValue());
            }
            return tagged(c, p);
        });
    }

    public Principal untag(String name, Collection<String> keys) {
        return StoreVersions.change(db, StoreVersions.IDENTITY, c -> {
            Principal p = PrincipalRows.require(c, name);
            for (String key : keys) update(c, "DELETE FROM principal_tags WHERE principal_id = ? AND tag_key = ?", p.id(), key);
            return tagged(c, p);
        });
    }

    /**
     * Creates a new key for a principal (created if needed): an API key and its SigV4 pair,
     * whose secrets are returned this once.
     */
    public IssuedKey createKey(String principalName, PrincipalKind kind) {
        return keys.create(ensurePrincipal(principalName, kind), KeyTerms.NONE);
    }

    /** The principal after a tag change, refused when it would carry too many tags. */
    private static Principal tagged(Connection c, Principal p) throws SQLException {
        Principal now = PrincipalRows.byId(c, p.id()).orElseThrow();
        if (now.tags().size() > Names.MAX_TAGS) {
            throw QuarryException.of(ErrorKind.INVALID_REQUEST, "A principal has at most " + Names.MAX_TAGS + " tags; '" + p.name()
                    + "' would have " + now.tags().size() + ".");
        }
        return now;
    }

    private Principal insert(Connection c, String name, PrincipalKind kind, Map<String, String> tags) throws SQLException {
        return PrincipalRows.insert(c, name, kind, tags, clock.millis());
    }
}
