package dev.quarry.agents.store;

import dev.quarry.agents.model.ListQuery;
import dev.quarry.agents.model.Page;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Keyset paging by id: one row more than the page is read, and its presence is {@code has_more}. */
public final class Paging {
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    private Paging() {}

    /**
     * {@code AND id > ? ORDER BY id ASC LIMIT ?}, or its descending twin, with {@code id} the
     * (qualified) id column; the cursor clause only when there is a cursor.
     */
    public static String tail(String id, ListQuery query) {
        String cursor = query.after() == null ? "" : " AND " + id + (query.ascending() ? " > ?" : " < ?");
        return cursor + " ORDER BY " + id + " " + (query.ascending() ? "ASC" : "DESC") + " LIMIT ?";
    }

    /** Binds the cursor and the limit after the {@code used} parameters already bound. */
    public static void bind(PreparedStatement s, int used, ListQuery query) throws SQLException {
        int i = used;
        if (query.after() != null) s.setString(++i, query.after());
        s.setInt(++i, query.limit() + 1);
    }

    public static <T> Page<T> read(PreparedStatement s, ListQuery query, RowReader<T> reader) throws SQLException {
        List<T> rows = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) rows.add(reader.read(r));
        }
        return page(rows, query);
    }

    /** The page of {@code rows}, read with one row more than the page to learn {@code has_more}. */
    static <T> Page<T> page(List<T> rows, ListQuery query) {
        boolean more = rows.size() > query.limit();
        return new Page<>(more ? rows.subList(0, query.limit()) : rows, more);
    }
}
