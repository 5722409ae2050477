package dev.quarry.agents.store;

import dev.quarry.agents.model.Item;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Item rows. */
final class ItemRows {
    static final String COLUMNS = "id, turn_id, seq, status, body, created_at";

    private ItemRows() {}

    static Item row(ResultSet r) throws SQLException {
        return new Item(r.getString("id"), r.getString("turn_id"), r.getLong("seq"), r.getString("status"), ItemJson.body(r.getString("body")),
                r.getLong("created_at"));
    }

    static List<Item> ofTurn(Connection c, String sessionId, String turnId) {
        return select(c, "SELECT " + COLUMNS + " FROM agent_items WHERE session_id = ? AND turn_id = ? ORDER BY seq", s -> {
            s.setString(1, sessionId);
            s.setString(2, turnId);
        });
    }

    static List<Item> select(Connection c, String sql, TurnRows.Binder binder) {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            List<Item> items = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) items.add(row(r));
            }
            return items;
        } catch (SQLException e) {
            throw TurnRows.failed(e);
        }
    }
}
