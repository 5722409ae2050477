package dev.quarry.agents.store;

import dev.quarry.agents.model.EnvironmentSpec;
import dev.quarry.agents.model.EnvironmentState;
import dev.quarry.agents.model.Ids;
import dev.quarry.agents.model.ListQuery;
import dev.quarry.agents.model.Page;
import dev.quarry.agents.model.Session;
import dev.quarry.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Optional;

/** Agent sessions: created, read, listed by owner, changed and (softly) deleted. */
public final class SessionStore {
    private static final String COLUMNS = "id, owner_id, created_on_behalf_of, role_arn, surface, agent_id, agent_version, spec, metadata, status, error, "
            + "created_at, last_active_at, spend_limit_micros, environment";

    private final Database db;

    public SessionStore(Database db) {
        this.db = db;
    }

    public void insert(Session session) {
        insert(session, Ids.next(Ids.ENVIRONMENT, session.createdAt()), null);
    }

    /**
     * Inserts a session and, when it has one, its environment as {@code environmentId}, with the
     * credential its executor dials out with, if any ({@code null} otherwise).
     */
    public void insert(Session session, String environmentId, DialOutStore.StoredCredential credential) {
        db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO agent_sessions (" + COLUMNS + ") "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, session.id());
                s.setString(2, session.ownerId());
                s.setString(3, session.onBehalfOf());
                s.setString(4, session.roleArn());
                s.setString(5, session.surface());
                s.setString(6, session.agentId());
                if (session.agentVersion() == null) s.setNull(7, Types.INTEGER);
                else s.setInt(7, session.agentVersion());
                s.setString(8, SpecJson.spec(session.spec()));
                s.setString(9, SpecJson.metadata(session.metadata()));
                s.setString(10, session.status());
                s.setString(11, ItemJson.error(session.error()));
                s.setLong(12, session.createdAt());
                s.setLong(13, session.lastActiveAt());
                if (session.spendLimitMicros() == null) s.setNull(14, Types.BIGINT);
                else s.setLong(14, session.spendLimitMicros());
                s.setString(15, EnvironmentJson.write(session.environment()));
                s.executeUpdate();
            }
            if (!(session.environment() instanceof EnvironmentSpec.None)) {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO agent_environments (id, session_id, type, status, created_at, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?)")) {
                    s.setString(1, environmentId);
                    s.setString(2, session.id());
                    s.setString(3, session.environment().type());
                    s.setString(4, EnvironmentState.PENDING);
                    s.setLong(5, session.createdAt());
                    s.setLong(6, session.createdAt());
                    s.executeUpdate();
                }
            }
            if (credential != null) {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO environment_credentials (access_key_id, environment_id, sealed_secret, "
                        + "created_at) VALUES (?, ?, ?, ?)")) {
                    s.setString(1, credential.accessKeyId());
                    s.setString(2, credential.environmentId());
                    s.setString(3, credential.sealedSecret());
                    s.setLong(4, session.createdAt());
                    s.executeUpdate();
                }
            }
            return null;
        });
    }

    /** A session that is not deleted. */
    public Optional<Session> find(String id) {
        if (!Ids.wellFormed(id)) return Optional.empty();
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM agent_sessions WHERE id = ? AND deleted_at IS NULL")) {
                s.setString(1, id);
                return Rows.one(s, SessionStore::row);
            }
        });
    }

    /**
     * The sessions a principal sees that are not deleted, in id (creation) order, optionally only
     * those of one saved agent: for a principal acting for itself ({@code actingFor} null), those it
     * owns and those run as a role for it; for a role acting for {@code actingFor}, those run as the
     * role for that same principal.
     */
    public Page<Session> list(String principalId, String actingFor, ListQuery query) {
        return db.read(c -> {
            String agent = query.agentId() == null ? "" : " AND agent_id = ?";
            String whose = actingFor == null ? "(owner_id = ? OR created_on_behalf_of = ?)" : "owner_id = ? AND created_on_behalf_of = ?";
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM agent_sessions WHERE " + whose + " AND deleted_at IS NULL"
                    + agent + Paging.tail("id", query))) {
                s.setString(1, principalId);
                s.setString(2, actingFor == null ? principalId : actingFor);
                int used = 2;
                if (query.agentId() != null) s.setString(++used, query.agentId());
                Paging.bind(s, used, query);
                return Paging.read(s, query, SessionStore::row);
            }
        });
    }

    /**
     * Writes a session's agent, metadata and last-active time, if its agent and metadata are still
     * those of {@code from} (what the caller read); false when it is gone or changed since, and the
     * caller reads it again, so that two updates at once do not undo each other.
     */
    public boolean update(Session from, Session session) {
        return db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE agent_sessions SET spec = ?, metadata = ?, spend_limit_micros = ?, last_active_at = ? "
                    + "WHERE id = ? AND deleted_at IS NULL AND spec = ? AND metadata = ?")) {
                s.setString(1, SpecJson.spec(session.spec()));
                s.setString(2, SpecJson.metadata(session.metadata()));
                if (session.spendLimitMicros() == null) s.setNull(3, Types.BIGINT);
                else s.setLong(3, session.spendLimitMicros());
                s.setLong(4, session.lastActiveAt());
                s.setString(5, session.id());
                s.setString(6, SpecJson.spec(from.spec()));
                s.setString(7, SpecJson.metadata(from.metadata()));
                return s.executeUpdate() == 1;
            }
        });
    }

    /** The state of a session's environment; empty for a session with none. */
    public Optional<EnvironmentState> environment(String sessionId) {
        return db.read(c -> EnvironmentRows.find(c, sessionId));
    }

    /** Marks a session deleted; false when it already was (or never existed). */
    public boolean delete(String id, long now) {
        return Rows.softDelete(db, "agent_sessions", id, now);
    }

    private static Session row(ResultSet r) throws SQLException {
        int version = r.getInt("agent_version");
        Integer agentVersion = r.wasNull() ? null : version;
        return new Session(r.getString("id"), r.getString("owner_id"), r.getString("created_on_behalf_of"), r.getString("role_arn"),
                r.getString("surface"),
                r.getString("agent_id"), agentVersion, SpecJson.spec(r.getString("spec")), SpecJson.metadata(r.getString("metadata")),
                r.getString("status"), ItemJson.error(r.getString("error")), r.getLong("created_at"), r.getLong("last_active_at"),
                spendLimit(r), EnvironmentJson.read(r.getString("environment")));
    }

    private static Long spendLimit(ResultSet r) throws SQLException {
        long limit = r.getLong("spend_limit_micros");
        return r.wasNull() ? null : limit;
    }
}
