package dev.quarry.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The connection a group commit's units write on, with its prepared statements kept from one
 * commit to the next: preparing the ledger's INSERT again for every batch was ~1.6% of a request's
 * CPU (issue 18's profile). Only the group commit's thread uses it. The SQL must be constant text,
 * never built from data, or the cache would grow without bound.
 */
public final class Statements {
    private final Connection connection;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();

    Statements(Connection connection) {
        this.connection = connection;
    }

    public Connection connection() {
        return connection;
    }

    /**
     * The statement for this SQL, prepared once, its batch and parameters cleared (a unit that
     * failed may have left some behind). The caller must not close it.
     */
    public PreparedStatement prepared(String sql) throws SQLException {
        PreparedStatement s = prepared.get(sql);
        if (s == null || s.isClosed()) {
            s = connection.prepareStatement(sql);
            prepared.put(sql, s);
        } else {
            s.clearBatch();
            s.clearParameters();
        }
        return s;
    }
}
