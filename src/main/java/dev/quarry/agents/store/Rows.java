package dev.quarry.agents.store;

import dev.quarry.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** What the agent stores do alike: read at most one row, and mark a row deleted. */
public final class Rows {
    private Rows() {}

    /** The first row {@code s} selects, if any. */
    public static <T> Optional<T> one(PreparedStatement s, Paging.RowReader<T> reader) throws SQLException {
        try (ResultSet r = s.executeQuery()) {
            return r.next() ? Optional.of(reader.read(r)) : Optional.empty();
        }
    }

    /** Marks the row {@code id} of {@code table} deleted at {@code now}; false when it already was (or never existed). */
    static boolean softDelete(Database db, String table, String id, long now) {
        return db.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE " + table + " SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL")) {
                s.setLong(1, now);
                s.setString(2, id);
                return s.executeUpdate() == 1;
            }
        });
    }
}
