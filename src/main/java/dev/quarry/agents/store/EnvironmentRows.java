package dev.quarry.agents.store;

import dev.quarry.agents.model.EnvironmentState;
import dev.quarry.agents.model.TurnError;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Optional;

/** Reads {@code agent_environments}: a session's environment's live state. */
final class EnvironmentRows {
    private EnvironmentRows() {}

    static Optional<EnvironmentState> find(Connection c, String sessionId) {
        try (PreparedStatement s = c.prepareStatement("SELECT id, type, status, executor_version, error_code, error_message FROM agent_environments "
                + "WHERE session_id = ?")) {
            s.setString(1, sessionId);
            return Rows.one(s, r -> new EnvironmentState(r.getString(1), r.getString(2), r.getString(3), r.getString(4),
                    r.getString(5) == null ? null : new TurnError(r.getString(5), r.getString(6))));
        } catch (SQLException e) {
            throw TurnRows.failed(e);
        }
    }
}
