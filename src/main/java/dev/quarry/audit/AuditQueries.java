package dev.quarry.audit;

import dev.quarry.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Filters the trail for people: by principal, action, agent session and time, newest first. */
public final class AuditQueries {
    /** The most events one query returns: a page a person reads, not an export. */
    public static final int MAX_LIMIT = 1000;
    public static final int DEFAULT_LIMIT = 100;

    private final Database db;

    public AuditQueries(Database db) {
        this.db = db;
    }

    /**
     * Any filter may be {@code null}; the principal matches by name or id, the session by its id.
     *
     * @throws IllegalArgumentException when {@code limit} is not 1 to {@value #MAX_LIMIT}
     */
    public List<AuditEvent> find(String principal, String action, String session, Instant from, Instant to, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) throw new IllegalArgumentException("the limit must be 1 to " + MAX_LIMIT + " (got " + limit + ")");
        StringBuilder sql = new StringBuilder("SELECT " + AuditRows.COLUMNS + " FROM audit_events WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (principal != null) {
            sql.append(" AND (principal_name = ? OR principal_id = ?)");
            args.add(principal);
            args.add(principal);
        }
        if (action != null) {
            sql.append(" AND action = ?");
            args.add(action);
        }
        if (session != null) {
            sql.append(" AND session_id = ?");
            args.add(session);
        }
        if (from != null) {
            sql.append(" AND event_time >= ?");
            args.add(from.toEpochMilli());
        }
        if (to != null) {
            sql.append(" AND event_time < ?");
            args.add(to.toEpochMilli());
        }
        sql.append(" ORDER BY seq DESC LIMIT ?");
        args.add(limit);
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) s.setObject(i + 1, args.get(i));
                List<AuditEvent> events = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) events.add(AuditRows.read(r).event());
                }
                return events;
            }
        });
    }
}
