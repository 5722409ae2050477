package dev.quarry.metering;

import dev.quarry.canonical.Usage;
import dev.quarry.store.Database;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Sums of the ledger over a time range, grouped for reports, what-if repricing and commitment
 * drawdown. Aggregated by the database; never on the request path.
 */
public final class UsageReport {
    private static final long DAY_MILLIS = 86_400_000L;
    private static final String IN_SESSION = " AND l.session_id IS NOT NULL";
    private static final int MICROS = 6;
    /**
     * How to group. A request counts under each tag of its principal ({@code key=value}), so tag
     * rows can add up to more than the total; principals without tags are {@code (untagged)}.
     */
    public enum By {
        PRINCIPAL("COALESCE(p.name, l.principal_id)"),
        MODEL("COALESCE(l.model, '(none)')"),
        TAG("COALESCE(t.tag_key || '=' || t.tag_value, '(untagged)')", " LEFT JOIN principal_tags t ON t.principal_id = l.principal_id"),
        DAY("l.created_at / " + DAY_MILLIS),
        /** The guardrail version a request ran under and what it did, e.g. {@code strict:2 INPUT_BLOCKED}. */
        GUARDRAIL("COALESCE(l.guardrail || ' ' || COALESCE(l.guardrail_action, 'NONE'), '(none)')"),
        /**
         * Who each request was made for: the principal that assumed the role for a call through a
         * role session (as {@code alice via deployer}), else the caller itself.
         */
        USER("CASE WHEN l.on_behalf_of IS NULL THEN COALESCE(p.name, l.principal_id)"
                + " ELSE COALESCE(u.name, l.on_behalf_of) || ' via ' || COALESCE(p.name, l.principal_id) END",
                " LEFT JOIN principals u ON u.id = l.on_behalf_of"),
        /** The managed-agent session a model call was made for; calls from outside any session are left out. */
        SESSION("l.session_id", "", IN_SESSION),
        /**
         * The saved agent of the session a model call was made for, {@code inline} for a session
         * defined at its creation (or whose row is gone); calls outside any session are left out.
         */
        AGENT("COALESCE(s.agent_id, 'inline')", " LEFT JOIN agent_sessions s ON s.id = l.session_id", IN_SESSION);

        private final String key;
        private final String joins;
        private final String only;

        By(String key) {
            this(key, "");
        }

        By(String key, String joins) {
            this(key, joins, "");
        }

        /**
         * @param joins what the key needs joined to the ledger {@code l} and its principal {@code p}
         * @param only  a condition on the rows counted at all, {@code AND …}; empty for every row
         */
        By(String key, String joins, String only) {
            this.key = key;
            this.joins = joins;
            this.only = only;
        }

        /** @throws IllegalArgumentException naming the choices */
        public static By of(String name) {
            for (By by : values()) if (by.name().equalsIgnoreCase(name)) return by;
            throw new IllegalArgumentException("cannot group by '" + name + "'; choose principal, model, tag, day, guardrail, user, session or agent");
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param cost     the summed recorded cost in US dollars (unpriced requests add nothing)
     * @param unpriced requests whose model had no price, so their cost is unknown
     */
    public record Row(String key, long requests, Usage usage, BigDecimal cost, long unpriced) {}

    /** One model's usage on one platform on one UTC day: the unit repricing and drawdown work in. */
    public record DailyUsage(String model, String platform, LocalDate day, Usage usage, BigDecimal cost, long requests, long unpriced) {}

    private static final String SUMS = """
            COUNT(*), SUM(l.input_tokens), SUM(l.output_tokens), SUM(l.cache_read_tokens), SUM(l.cache_write_tokens),
            COALESCE(SUM(l.cost_micros), 0), SUM(CASE WHEN l.cost_micros IS NULL THEN 1 ELSE 0 END)""";

    private final Database db;

    public UsageReport(Database db) {
        this.db = db;
    }

    /** Rows for requests recorded from {@code from} (inclusive) to {@code to} (exclusive), ordered by key. */
    public List<Row> rows(By by, Instant from, Instant to) {
        String sql = "SELECT " + by.key + ", " + SUMS + " FROM usage_ledger l"
                + " LEFT JOIN principals p ON p.id = l.principal_id" + by.joins
                + " WHERE l.created_at >= ? AND l.created_at < ?" + by.only + " GROUP BY 1 ORDER BY 1";
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setLong(1, from.toEpochMilli());
                s.setLong(2, to.toEpochMilli());
                List<Row> rows = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        String key = by == By.DAY ? LocalDate.ofEpochDay(r.getLong(1)).toString() : r.getString(1);
                        rows.add(new Row(key, r.getLong(2), usage(r, 3), BigDecimal.valueOf(r.getLong(7), MICROS), r.getLong(8)));
                    }
                }
                return rows;
            }
        });
    }

    /** Usage by model, platform and day, for requests that named a model. */
    public List<DailyUsage> daily(Instant from, Instant to) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT l.model, l.platform, l.created_at / " + DAY_MILLIS + ", " + SUMS
                    + " FROM usage_ledger l WHERE l.created_at >= ? AND l.created_at < ? AND l.model IS NOT NULL"
                    + " GROUP BY 1, 2, 3 ORDER BY 3, 1, 2")) {
                s.setLong(1, from.toEpochMilli());
                s.setLong(2, to.toEpochMilli());
                List<DailyUsage> days = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        days.add(new DailyUsage(r.getString(1), r.getString(2), LocalDate.ofEpochDay(r.getLong(3)), usage(r, 5),
                                BigDecimal.valueOf(r.getLong(9), MICROS), r.getLong(4), r.getLong(10)));
                    }
                }
                return days;
            }
        });
    }

    private static Usage usage(ResultSet r, int first) throws SQLException {
        return new Usage(r.getLong(first), r.getLong(first + 1), r.getLong(first + 2), r.getLong(first + 3));
    }
}
