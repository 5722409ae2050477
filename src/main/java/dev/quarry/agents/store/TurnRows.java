package dev.quarry.agents.store;

import dev.quarry.agents.model.Turn;
import dev.quarry.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** Turn rows: read, written, and the plumbing of statements the agent stores share. */
final class TurnRows {
    static final String COLUMNS = "id, session_id, number, status, created_at, started_at, completed_at, error_code, error_message, usage, "
            + "step, model_calls, tool_calls";

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement s) throws SQLException;
    }

    private TurnRows() {}

    static Turn row(ResultSet r) throws SQLException {
        long started = r.getLong("started_at");
        Long startedAt = r.wasNull() ? null : started;
        long completed = r.getLong("completed_at");
        Long completedAt = r.wasNull() ? null : completed;
        return new Turn(r.getString("id"), r.getString("session_id"), r.getInt("number"), r.getString("status"), r.getLong("created_at"),
                startedAt, completedAt, r.getString("error_code"), r.getString("error_message"), ItemJson.usage(r.getString("usage")),
                r.getInt("step"), r.getInt("model_calls"), r.getInt("tool_calls"));
    }

    static int nextNumber(Connection c, String sessionId) {
        try (PreparedStatement s = c.prepareStatement("SELECT COALESCE(MAX(number), 0) + 1 FROM agent_turns WHERE session_id = ?")) {
            s.setString(1, sessionId);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getInt(1);
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    static void update(Connection c, Turn t) {
        run(c, "UPDATE agent_turns SET status = ?, started_at = ?, completed_at = ?, error_code = ?, error_message = ?, usage = ?, step = ?, "
                + "model_calls = ?, tool_calls = ? WHERE id = ?", s -> {
            s.setString(1, t.status());
            setLong(s, 2, t.startedAt());
            setLong(s, 3, t.completedAt());
            s.setString(4, t.errorCode());
            s.setString(5, t.errorMessage());
            s.setString(6, ItemJson.usage(t.usage()));
            s.setInt(7, t.step());
            s.setInt(8, t.modelCalls());
            s.setInt(9, t.toolCalls());
            s.setString(10, t.id());
        });
    }

    static List<Turn> query(Connection c, String sql, Binder binder) {
        return select(c, sql, binder, TurnRows::row);
    }

    static <T> List<T> select(Connection c, String sql, Binder binder, Paging.RowReader<T> reader) {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            List<T> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) rows.add(reader.read(r));
            }
            return rows;
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    static int run(Connection c, String sql, Binder binder) {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            binder.bind(s);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    static void setLong(PreparedStatement s, int index, Long value) throws SQLException {
        if (value == null) s.setNull(index, Types.BIGINT);
        else s.setLong(index, value);
    }

    static StoreException failed(SQLException e) {
        return new StoreException("agent store statement failed: " + e.getMessage(), e);
    }
}
