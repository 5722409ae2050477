package dev.quarry.identity;

import dev.quarry.store.StoreVersions;
import static dev.quarry.identity.PrincipalRows.update;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * API keys and their SigV4 pairs: issued (several per principal, so keys can be rotated), listed,
 * disabled and enabled, deleted. Only an API key's hash is stored; a pair's secret is stored
 * sealed with the master key, since verifying a signature needs it. A deleted key keeps its row
 * (marked {@code revoked_at}) so that using it is refused as deleted rather than unknown.
 */
public final class KeyStore {
    /** The columns {@link #storedKey} reads, and the joins they come from. */
    private static final String STORED_KEY_COLUMNS =
            "k.id, k.key_prefix, k.disabled_at, k.expires_at, k.revoked_at, s.session_token_hash, p.id, p.name, p.kind, "
                    + "s.assumed_by, u.id, u.name, u.kind";
    private static final String STORED_KEY_JOINS = " JOIN principals p ON p.id = k.principal_id LEFT JOIN role_sessions s ON s.key_id = k.id"
            + " LEFT JOIN principals u ON u.id = s.assumed_by";

    private final Database db;
    private final MasterKey masterKey;
    private final Clock clock;

    KeyStore(Database db, MasterKey masterKey, Clock clock) {
        this.db = db;
        this.masterKey = masterKey;
        this.clock = clock;
    }

    /** @throws QuarryException {@link ErrorKind#INVALID_REQUEST} for a role: its only credentials are those of sessions */
    public IssuedKey create(Principal principal, KeyTerms terms) {
        if (principal.kind() == PrincipalKind.ROLE) {
            throw QuarryException.invalid("name", "'" + principal.name() + "' is a role: its credentials come from assuming it "
                    + "(POST /sts/assume-role, 'quarry sts assume-role --role ROLE'), not from keys of its own.");
        }
        return StoreVersions.change(db, StoreVersions.IDENTITY, c -> create(c, principal, terms));
    }

    /** Issues a key inside the caller's transaction (an assumed role's session is issued with its key). */
    IssuedKey create(Connection c, Principal principal, KeyTerms terms) throws SQLException {
        if (terms.description() != null && terms.description().length() > KeyTerms.MAX_DESCRIPTION) {
            throw QuarryException.of(ErrorKind.INVALID_REQUEST, "A key description is at most " + KeyTerms.MAX_DESCRIPTION + " characters.");
        }
        String apiKey = ApiKeys.generate();
        String keyId = "key-" + UUID.randomUUID();
        String accessKeyId = AccessKeys.newId();
        String secret = AccessKeys.newSecret();
        MasterKey.Sealed sealed = masterKey.seal(secret, accessKeyId);
        long now = clock.millis();
        update(c, "INSERT INTO api_keys (id, principal_id, key_hash, key_prefix, created_at, expires_at, description) VALUES (?, ?, ?, ?, ?, ?, ?)",
                keyId, principal.id(), ApiKeys.hash(apiKey), ApiKeys.displayPrefix(apiKey), now,
                terms.expiresAt() == null ? null : terms.expiresAt().toEpochMilli(), terms.description());
        update(c, "INSERT INTO access_keys (access_key_id, key_id, sealed_data_key, sealed_secret, created_at) VALUES (?, ?, ?, ?, ?)",
                accessKeyId, keyId, sealed.dataKey(), sealed.secret(), now);
        return new IssuedKey(keyId, principal, apiKey, ApiKeys.displayPrefix(apiKey), accessKeyId, secret, terms.expiresAt());
    }

    /** The keys of a principal that are not deleted, oldest first. */
    public List<KeyInfo> list(String principalName) {
        return db.read(c -> {
            Principal p = PrincipalRows.require(c, principalName);
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT k.id, k.key_prefix, a.access_key_id, k.description, k.created_at, k.last_used_at, k.disabled_at, k.expires_at
                    FROM api_keys k LEFT JOIN access_keys a ON a.key_id = k.id
                    WHERE k.principal_id = ? AND k.revoked_at IS NULL ORDER BY k.created_at, k.id""")) {
                s.setString(1, p.id());
                try (ResultSet r = s.executeQuery()) {
                    List<KeyInfo> keys = new ArrayList<>();
                    while (r.next()) {
                        keys.add(new KeyInfo(r.getString(1), p.name(), r.getString(2), r.getString(3), r.getString(4),
                                instant(r, 5), instant(r, 6), instant(r, 7), instant(r, 8)));
                    }
                    return keys;
                }
            }
        });
    }

    /** The name of the principal a key (not deleted) belongs to; empty for an unknown or deleted key. */
    public Optional<String> owner(String keyId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT p.name FROM api_keys k JOIN principals p ON p.id = k.principal_id WHERE k.id = ? AND k.revoked_at IS NULL")) {
                s.setString(1, keyId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** @throws QuarryException {@link ErrorKind#NOT_FOUND} for an unknown or deleted key */
    public void disable(String keyId) {
        change(keyId, "UPDATE api_keys SET disabled_at = ? WHERE id = ? AND revoked_at IS NULL", clock.millis(), keyId);
    }

    public void enable(String keyId) {
        change(keyId, "UPDATE api_keys SET disabled_at = NULL WHERE id = ? AND revoked_at IS NULL", keyId);
    }

    public void delete(String keyId) {
        change(keyId, "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", clock.millis(), keyId);
    }

    /** The principal an API key was issued to, if it is one this store issued (deleted keys included). */
    public Optional<Principal> ownerOf(String apiKey) {
        return byHash(ApiKeys.hash(apiKey)).map(StoredKey::principal);
    }

    /** The key with this API key hash, in whatever state it is. */
    Optional<StoredKey> byHash(String keyHash) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT " + STORED_KEY_COLUMNS + " FROM api_keys k" + STORED_KEY_JOINS + " WHERE k.key_hash = ?")) {
                s.setString(1, keyHash);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(storedKey(c, r)) : Optional.empty();
                }
            }
        });
    }

    /** The pair with this access key id, its secret unsealed, with its key in whatever state it is. */
    Optional<AccessKey> accessKey(String accessKeyId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + STORED_KEY_COLUMNS
                    + ", a.sealed_data_key, a.sealed_secret FROM access_keys a JOIN api_keys k ON k.id = a.key_id" + STORED_KEY_JOINS
                    + " WHERE a.access_key_id = ?")) {
                s.setString(1, accessKeyId);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) return Optional.empty();
                    String secret = masterKey.open(new MasterKey.Sealed(r.getString(14), r.getString(15)), accessKeyId);
                    return Optional.of(new AccessKey(accessKeyId, storedKey(c, r), secret));
                }
            }
        });
    }

    /**
     * Writes last-use times gathered in memory, in one transaction. It does not bump the identity
     * version: when a key was last used changes no one's access, and bumping would empty every
     * cache on each flush.
     */
    void recordLastUse(Map<String, Long> lastUse) {
        if (lastUse.isEmpty()) return;
        db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")) {
                for (var use : lastUse.entrySet()) {
                    s.setLong(1, use.getValue());
                    s.setString(2, use.getKey());
                    s.setLong(3, use.getValue());
                    s.addBatch();
                }
                return s.executeBatch();
            }
        });
    }

    private void change(String keyId, String sql, Object... params) {
        StoreVersions.change(db, StoreVersions.IDENTITY, c -> {
            if (update(c, sql, params) == 0) throw QuarryException.of(ErrorKind.NOT_FOUND, "There is no key '" + keyId + "' (or it was deleted).");
            return null;
        });
    }

    /**
     * A key as authenticating sees it. A session's key acts for the principal that assumed it, read
     * in the same query, so a request through a role costs no extra lookup to know who is behind it.
     */
    private static StoredKey storedKey(Connection c, ResultSet r) throws SQLException {
        Principal owner = PrincipalRows.at(c, r, 7);
        boolean session = r.getString(10) != null;
        Principal assumer = r.getString(11) == null ? null : PrincipalRows.at(c, r, 11);
        return new StoredKey(r.getString(1), assumer == null ? owner : owner.actingFor(assumer, instant(r, 4)), r.getString(2), instant(r, 3),
                instant(r, 4), r.getObject(5) != null, r.getString(6), session && assumer == null);
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        long millis = r.getLong(column);
        return r.wasNull() ? null : Instant.ofEpochMilli(millis);
    }
}
