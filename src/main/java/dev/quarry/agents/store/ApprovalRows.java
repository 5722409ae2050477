package dev.quarry.agents.store;

import dev.quarry.agents.model.Approval;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/** Reads {@code agent_approvals}. */
final class ApprovalRows {
    static final String COLUMNS = "id, session_id, turn_id, item_id, call_id, tool, arguments, status, requested_at, expires_at, decided_by, decided_at, reason, "
            + "used_at";

    private ApprovalRows() {}

    static List<Approval> query(Connection c, String where, TurnRows.Binder binder) {
        return TurnRows.select(c, "SELECT " + COLUMNS + " FROM agent_approvals WHERE " + where + " ORDER BY requested_at, id", binder,
                ApprovalRows::row);
    }

    private static Approval row(ResultSet r) throws SQLException {
        long decided = r.getLong("decided_at");
        Long decidedAt = r.wasNull() ? null : decided;
        r.getLong("used_at");
        boolean used = !r.wasNull();
        return new Approval(r.getString("id"), r.getString("session_id"), r.getString("turn_id"), r.getString("item_id"), r.getString("call_id"),
                r.getString("tool"), r.getString("arguments"), r.getString("status"), r.getLong("requested_at"), r.getLong("expires_at"), r.getString("decided_by"), decidedAt,
                r.getString("reason"), used);
    }
}
