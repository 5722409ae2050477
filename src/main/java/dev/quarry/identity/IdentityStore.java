package dev.quarry.identity;

import dev.quarry.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** Principals, their API keys and SigV4 key pairs in the store. */
public final class IdentityStore {
    private final Database db;
    private final MasterKey masterKey;

    public IdentityStore(Database db, MasterKey masterKey) {
        this.db = db;
        this.masterKey = Objects.requireNonNull(masterKey, "masterKey");
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

    /**
     * Creates a new key for a principal (created if needed): an API key and its SigV4 pair,
     * whose secrets are returned this once. Only the API key's hash is stored; the pair's secret
     * is stored sealed with the master key, since verifying a signature needs it.
     */
    public IssuedKey createKey(String principalName, PrincipalKind kind) {
        Principal principal = ensurePrincipal(principalName, kind);
        String apiKey = ApiKeys.generate();
        String keyId = "key-" + UUID.randomUUID();
        String accessKeyId = AccessKeys.newId();
        String secret = AccessKeys.newSecret();
        MasterKey.Sealed sealed = masterKey.seal(secret, accessKeyId);
        long now = System.currentTimeMillis();
        db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO api_keys (id, principal_id, key_hash, key_prefix, created_at) VALUES (?, ?, ?, ?, ?)")) {
                s.setString(1, keyId);
                s.setString(2, principal.id());
                s.setString(3, ApiKeys.hash(apiKey));
                s.setString(4, ApiKeys.displayPrefix(apiKey));
                s.setLong(5, now);
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO access_keys (access_key_id, key_id, sealed_data_key, sealed_secret, created_at) VALUES (?, ?, ?, ?, ?)")) {
                s.setString(1, accessKeyId);
                s.setString(2, keyId);
                s.setString(3, sealed.dataKey());
                s.setString(4, sealed.secret());
                s.setLong(5, now);
                return s.executeUpdate();
            }
        });
        return new IssuedKey(keyId, principal, apiKey, ApiKeys.displayPrefix(apiKey), accessKeyId, secret);
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

    /** The pair with this access key id, its secret unsealed, while its key is not revoked. */
    public Optional<AccessKey> accessKey(String accessKeyId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT p.id, p.name, p.kind, a.sealed_data_key, a.sealed_secret
                    FROM access_keys a JOIN api_keys k ON k.id = a.key_id JOIN principals p ON p.id = k.principal_id
                    WHERE a.access_key_id = ? AND k.revoked_at IS NULL""")) {
                s.setString(1, accessKeyId);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) return Optional.empty();
                    String secret = masterKey.open(new MasterKey.Sealed(r.getString(4), r.getString(5)), accessKeyId);
                    return Optional.of(new AccessKey(accessKeyId, principal(r), secret));
                }
            }
        });
    }

    private static Optional<Principal> findByName(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT id, name, kind FROM principals WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(principal(r)) : Optional.empty();
            }
        }
    }

    private static Principal principal(ResultSet r) throws SQLException {
        return new Principal(r.getString(1), r.getString(2), PrincipalKind.valueOf(r.getString(3)));
    }
}
