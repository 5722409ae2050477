package dev.quarry.agents.store;

import dev.quarry.agents.model.AgentSpec;
import dev.quarry.agents.model.Ids;
import dev.quarry.agents.model.ListQuery;
import dev.quarry.agents.model.Page;
import dev.quarry.agents.model.SavedAgent;
import dev.quarry.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * Saved agents and their versions. An update writes version n+1 beside the ones before it, which
 * stay readable for the sessions pinned to them, also after the agent is deleted.
 */
public final class AgentStore {
    private static final String SELECT = "SELECT a.id, a.owner_id, a.created_at, v.version, v.spec, v.metadata, v.created_at AS version_at "
            + "FROM agents a JOIN agent_versions v ON v.agent_id = a.id ";

    private final Database db;

    public AgentStore(Database db) {
        this.db = db;
    }

    /** Stores a new agent as its version 1. */
    public SavedAgent create(String id, String ownerId, AgentSpec spec, Map<String, String> metadata, long now) {
        db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO agents (id, owner_id, name, latest_version, created_at, updated_at) "
                    + "VALUES (?, ?, ?, 1, ?, ?)")) {
                s.setString(1, id);
                s.setString(2, ownerId);
                s.setString(3, spec.name());
                s.setLong(4, now);
                s.setLong(5, now);
                s.executeUpdate();
            }
            insertVersion(c, id, 1, spec, metadata, now);
            return null;
        });
        return new SavedAgent(id, ownerId, 1, spec, metadata, now, now);
    }

    /** The latest version of an agent that is not deleted. */
    public Optional<SavedAgent> find(String id) {
        if (!Ids.wellFormed(id)) return Optional.empty();
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(SELECT + "AND v.version = a.latest_version WHERE a.id = ? AND a.deleted_at IS NULL")) {
                s.setString(1, id);
                return Rows.one(s, AgentStore::row);
            }
        });
    }

    /** One version of an agent, deleted or not (sessions pinned to it still read it). */
    public Optional<SavedAgent> version(String id, int version) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(SELECT + "AND v.version = ? WHERE a.id = ?")) {
                s.setInt(1, version);
                s.setString(2, id);
                return Rows.one(s, AgentStore::row);
            }
        });
    }

    /**
     * Writes {@code spec} and {@code metadata} as the agent's next version, if its latest is still
     * {@code from} (a concurrent update makes this return empty, and the caller reads again).
     */
    public Optional<SavedAgent> addVersion(SavedAgent from, AgentSpec spec, Map<String, String> metadata, long now) {
        int next = from.version() + 1;
        boolean written = db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE agents SET latest_version = ?, name = ?, updated_at = ? "
                    + "WHERE id = ? AND latest_version = ? AND deleted_at IS NULL")) {
                s.setInt(1, next);
                s.setString(2, spec.name());
                s.setLong(3, now);
                s.setString(4, from.id());
                s.setInt(5, from.version());
                if (s.executeUpdate() != 1) return false;
            }
            insertVersion(c, from.id(), next, spec, metadata, now);
            return true;
        });
        return written ? Optional.of(new SavedAgent(from.id(), from.ownerId(), next, spec, metadata, from.createdAt(), now)) : Optional.empty();
    }

    /** The owner's agents that are not deleted, at their latest versions, in id (creation) order. */
    public Page<SavedAgent> list(String ownerId, ListQuery query) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(SELECT + "AND v.version = a.latest_version WHERE a.owner_id = ? AND a.deleted_at IS NULL"
                    + Paging.tail("a.id", query))) {
                s.setString(1, ownerId);
                Paging.bind(s, 1, query);
                return Paging.read(s, query, AgentStore::row);
            }
        });
    }

    /** Marks an agent deleted; its versions stay for the sessions pinned to them. */
    public boolean delete(String id, long now) {
        return Rows.softDelete(db, "agents", id, now);
    }

    private static void insertVersion(Connection c, String id, int version, AgentSpec spec, Map<String, String> metadata, long now)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO agent_versions (agent_id, version, spec, metadata, created_at) "
                + "VALUES (?, ?, ?, ?, ?)")) {
            s.setString(1, id);
            s.setInt(2, version);
            s.setString(3, SpecJson.spec(spec));
            s.setString(4, SpecJson.metadata(metadata));
            s.setLong(5, now);
            s.executeUpdate();
        }
    }

    private static SavedAgent row(ResultSet r) throws SQLException {
        return new SavedAgent(r.getString("id"), r.getString("owner_id"), r.getInt("version"), SpecJson.spec(r.getString("spec")),
                SpecJson.metadata(r.getString("metadata")), r.getLong("created_at"), r.getLong("version_at"));
    }
}
