package dev.quarry.metering;

import dev.quarry.canonical.Usage;
import dev.quarry.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads the ledger back (reports, tests, operators). Never on the request path. */
public final class UsageQueries {
    private static final String COLUMNS = """
            request_id, principal_id, surface, operation, model, provider, upstream_model, input_tokens,
            output_tokens, cache_read_tokens, cache_write_tokens, latency_ms, status, error_kind, created_at, platform, cost_micros,
            attempts, experiment, variant, guardrail, guardrail_action, on_behalf_of, session_id, turn_id""";

    private final Database db;

    public UsageQueries(Database db) {
        this.db = db;
    }

    public Optional<UsageRecord> byRequestId(String requestId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM usage_ledger WHERE request_id = ?")) {
                s.setString(1, requestId);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(record(r)) : Optional.empty();
                }
            }
        });
    }

    /** The newest records of a principal, newest first. */
    public List<UsageRecord> recentFor(String principalId, int limit) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM usage_ledger WHERE principal_id = ? ORDER BY created_at DESC, request_id LIMIT ?")) {
                s.setString(1, principalId);
                s.setInt(2, limit);
                List<UsageRecord> records = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) records.add(record(r));
                }
                return records;
            }
        });
    }

    private static UsageRecord record(ResultSet r) throws SQLException {
        return new UsageRecord(r.getString(1), r.getString(2), r.getString(23), r.getString(3), r.getString(4), r.getString(5),
                r.getString(6), r.getString(7), new Usage(r.getLong(8), r.getLong(9), r.getLong(10), r.getLong(11)),
                r.getLong(12), r.getString(13), r.getString(14), Instant.ofEpochMilli(r.getLong(15)), r.getString(16),
                r.getObject(17) == null ? null : r.getLong(17),
                new UsageRecord.Routing(r.getInt(18), r.getString(19), r.getString(20)),
                new UsageRecord.Guarding(r.getString(21), r.getString(22)), r.getString(24), r.getString(25));
    }
}
