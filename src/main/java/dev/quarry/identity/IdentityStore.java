package dev.quarry.identity;

import dev.quarry.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import java.util.UUID;

/** Principals and API keys in the store. */
public final class IdentityStore {
    private final Database db;

    public IdentityStore(Database db) {
        this.db = db;
    }

    /** The principal with this name, created with the given kind if there is none yet. */
    public Principal ensurePrincipal(String name, PrincipalKind kind) {
        return db.transaction(c -> {
            Optional<Principal> existing = findByName(c, name);
            if (existing.isPresent()) return existing.get();
            Principal p = new Principal("p-" + UUID.randomUUID(), name, kind);
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO principals (id, name, kind, created_at) VALUES (?, ?, ?, ?)")) {
                s.setString(1, p.id());
                s.setString(2, p.name());
                s.setString(3, p.kind().name());
                s.setLong(4, System.currentTimeMillis());
                s.executeUpdate();
            }
            return p;
        });
    }

    /** Creates a new key for a principal (created if needed) and returns its secret, once. */
    public IssuedKey createKey(String principalName, PrincipalKind kind) {
        Principal principal = ensurePrincipal(principalName, kind);
        String apiKey = ApiKeys.generate();
        String keyId = "key-" + UUID.randomUUID();
        db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO api_keys (id, principal_id, key_hash, key_prefix, created_at) VALUES (?, ?, ?, ?, ?)")) {
                s.setString(1, keyId);
                s.setString(2, principal.id());
                s.setString(3, ApiKeys.hash(apiKey));
                s.setString(4, ApiKeys.displayPrefix(apiKey));
                s.setLong(5, System.currentTimeMillis());
                return s.executeUpdate();
            }
        });
        return new IssuedKey(keyId, principal, apiKey, ApiKeys.displayPrefix(apiKey));
    }

    /** The principal owning an active (not revoked) key with this hash. */
    public Optional<Principal> principalForKeyHash(String keyHash) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT p.id, p.name, p.kind FROM api_keys k JOIN principals p ON p.id = k.principal_id
                    WHERE k.key_hash = ? AND k.revoked_at IS NULL""")) {
                s.setString(1, keyHash);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(principal(r)) : Optional.empty();
                }
            }
        });
    }

    private static Optional<Principal> findByName(java.sql.Connection c, String name) throws java.sql.SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id, name, kind FROM principals WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(principal(r)) : Optional.empty();
            }
        }
    }

    private static Principal principal(ResultSet r) throws java.sql.SQLException {
        return new Principal(r.getString(1), r.getString(2), PrincipalKind.valueOf(r.getString(3)));
    }
}
