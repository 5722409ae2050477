package dev.quarry.agents.store;

import dev.quarry.store.Database;
import java.sql.PreparedStatement;
import java.util.Optional;

/**
 * What executors dialing out to Quarry need of the store: their environments' credentials
 * ({@code environment_credentials}, secrets sealed) and which node holds each environment's
 * socket ({@code agent_environments.link_node/link_boot/link_until}, renewed with the node's turn
 * leases by {@link TurnStore#renew}), so that only that node claims the session's turns while it holds it.
 */
public final class DialOutStore {
    private final Database db;

    public DialOutStore(Database db) {
        this.db = db;
    }

    /** A credential not revoked, as stored: its secret still sealed. */
    public record StoredCredential(String accessKeyId, String environmentId, String sealedSecret) {
        @Override
        public String toString() {
            return "StoredCredential[" + accessKeyId + ", " + environmentId + "]";
        }
    }

    /** An environment whose executor dials out, of a session not deleted. */
    public record DialOutEnvironment(String environmentId, String sessionId) {}

    public Optional<StoredCredential> credential(String accessKeyId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT access_key_id, environment_id, sealed_secret FROM environment_credentials "
                    + "WHERE access_key_id = ? AND revoked_at IS NULL")) {
                s.setString(1, accessKeyId);
                return Rows.one(s, r -> new StoredCredential(r.getString(1), r.getString(2), r.getString(3)));
            }
        });
    }

    /** The environment, when it exists, belongs to a live session and has a credential (only dial-out environments do). */
    public Optional<DialOutEnvironment> environment(String environmentId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT e.id, e.session_id FROM agent_environments e "
                    + "JOIN agent_sessions s ON s.id = e.session_id WHERE e.id = ? AND s.deleted_at IS NULL "
                    + "AND EXISTS (SELECT 1 FROM environment_credentials k WHERE k.environment_id = e.id AND k.revoked_at IS NULL)")) {
                s.setString(1, environmentId);
                return Rows.one(s, r -> new DialOutEnvironment(r.getString(1), r.getString(2)));
            }
        });
    }

    /** Records that this node ({@code node}, started as {@code boot}) holds the environment's socket, until {@code until} unless renewed. */
    public void link(String environmentId, String node, String boot, long now, long until) {
        db.transaction(c -> TurnRows.run(c, "UPDATE agent_environments SET link_node = ?, link_boot = ?, link_until = ?, updated_at = ? WHERE id = ?", s -> {
            s.setString(1, node);
            s.setString(2, boot);
            s.setLong(3, until);
            s.setLong(4, now);
            s.setString(5, environmentId);
        }));
    }

    /** Forgets the link if this node still has it (its socket closed and no newer one came). */
    public void unlink(String environmentId, String node, String boot, long now) {
        db.transaction(c -> TurnRows.run(c, "UPDATE agent_environments SET link_node = NULL, link_boot = NULL, link_until = NULL, updated_at = ? "
                + "WHERE id = ? AND link_node = ? AND link_boot = ?", s -> {
            s.setLong(1, now);
            s.setString(2, environmentId);
            s.setString(3, node);
            s.setString(4, boot);
        }));
    }
}
