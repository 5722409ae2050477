package dev.quarry.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The change counters of the store's areas ({@code store_versions}). A writer bumps its area in
 * the transaction that changes it; a cache in any process polls the one row and drops what it
 * holds when the number moved. Polling one indexed row is cheap, and it notices changes made by
 * other processes (the CLI, other nodes), which in-process notification could not. A change
 * that turns out to change nothing still counts: caches reload once, needlessly but harmlessly.
 */
public final class StoreVersions {
    public static final String IDENTITY = "identity";
    public static final String POLICY = "policy";
    public static final String PRICING = "pricing";
    public static final String BUDGET = "budget";
    public static final String GUARDRAIL = "guardrail";

    private StoreVersions() {}

    /**
     * Runs a change of an area in one transaction that first counts it. Counting first also takes
     * the write lock before anything is read: SQLite refuses at once (SQLITE_BUSY, no waiting) a
     * transaction that read and then wants to write while another connection writes.
     */
    public static <T> T change(Database db, String area, SqlWork<T> work) {
        return db.transaction(c -> {
            bump(c, area);
            return work.run(c);
        });
    }

    private static void bump(Connection c, String area) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE store_versions SET version = version + 1 WHERE area = ?")) {
            s.setString(1, area);
            if (s.executeUpdate() != 1) throw new SQLException("store_versions has no row for area '" + area + "'");
        }
    }

    /** Every area's version, in one query. */
    public static Map<String, Long> readAll(Database db) {
        return db.read(c -> {
            Map<String, Long> versions = new HashMap<>();
            try (var s = c.createStatement(); ResultSet r = s.executeQuery("SELECT area, version FROM store_versions")) {
                while (r.next()) versions.put(r.getString(1), r.getLong(2));
            }
            return versions;
        });
    }

    public static long read(Database db, String area) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT version FROM store_versions WHERE area = ?")) {
                s.setString(1, area);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) throw new SQLException("store_versions has no row for area '" + area + "'");
                    return r.getLong(1);
                }
            }
        });
    }
}
