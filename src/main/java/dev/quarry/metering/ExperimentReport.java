package dev.quarry.metering;

import static dev.quarry.metering.ReportFormat.Column.figure;
import static dev.quarry.metering.ReportFormat.Column.text;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.store.Database;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How each variant of each A/B experiment did over a time range: traffic, errors, latency, cost
 * and the feedback callers gave its answers. Requests in no experiment are left out. Read from
 * the ledger, never on the request path.
 */
public final class ExperimentReport {
    private static final int MICROS = 6;

    private static final List<ReportFormat.Column> COLUMNS = List.of(text("EXPERIMENT", "experiment", 20),
            text("VARIANT", "variant", 12), text("MODELS", "models", 36), figure("REQUESTS", "requests", 9),
            figure("COMPLETED", "completed", 9), figure("FAILED+CANCELLED", "failed_or_cancelled", 16),
            figure("ERROR_RATE", "error_rate", 10), figure("P50_MS", "latency_p50_ms", 8), figure("P95_MS", "latency_p95_ms", 8),
            figure("MEAN_COST_USD", "mean_cost_usd", 14), figure("COST_USD", "cost_usd", 14),
            figure("UNPRICED", "unpriced_requests", 9), figure("FEEDBACK", "feedback", 8), figure("MEAN_SCORE", "mean_score", 10));

    /**
     * One variant of one experiment.
     *
     * @param models     the models that served it, sorted (several when its deployment changed in the range)
     * @param completed  requests that completed; the others failed or were cancelled
     * @param latencyP50 the median latency in milliseconds of the completed requests (nearest rank),
     *                   {@code null} when none completed: a failure's or a hang-up's latency says
     *                   nothing about how fast the variant answers
     * @param latencyP95 their 95th percentile (nearest rank), likewise
     * @param cost       the summed cost in US dollars of the priced requests
     * @param unpriced   requests whose model had no price: their cost is unknown, so in neither the sum nor the mean
     * @param feedback   requests whose caller rated the answer
     * @param meanScore  the mean of those ratings (0 to 1), {@code null} when there were none
     */
    public record Row(String experiment, String variant, List<String> models, long requests, long completed,
                      Long latencyP50, Long latencyP95, BigDecimal cost, long unpriced, long feedback, Double meanScore) {
        public Row {
            models = List.copyOf(models);
        }

        public long failedOrCancelled() {
            return requests - completed;
        }

        /** The share of requests that did not complete, 0 to 1. */
        public double errorRate() {
            return (double) failedOrCancelled() / requests;
        }

        /** The mean cost of a priced request, to the micro-dollar; {@code null} when none was priced. */
        public BigDecimal meanCost() {
            long priced = requests - unpriced;
            return priced == 0 ? null : cost.divide(BigDecimal.valueOf(priced), MICROS, RoundingMode.HALF_EVEN);
        }
    }

    private record Variant(String experiment, String variant) {}

    private final Database db;

    public ExperimentReport(Database db) {
        this.db = db;
    }

    /**
     * Rows for requests recorded from {@code from} (inclusive) to {@code to} (exclusive), ordered
     * by experiment and variant.
     *
     * @param experiment only this experiment's variants, or {@code null} for every experiment
     */
    public List<Row> rows(String experiment, Instant from, Instant to) {
        // One row a request: exact percentiles need every latency, and the sums come along for free.
        String sql = """
                SELECT l.experiment, COALESCE(l.variant, '(none)'), l.model, l.status, l.latency_ms, l.cost_micros, f.score
                FROM usage_ledger l LEFT JOIN answer_feedback f ON f.request_id = l.request_id
                WHERE l.experiment IS NOT NULL AND l.created_at >= ? AND l.created_at < ?"""
                + (experiment == null ? "" : " AND l.experiment = ?");
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setLong(1, from.toEpochMilli());
                s.setLong(2, to.toEpochMilli());
                if (experiment != null) s.setString(3, experiment);
                // Sorted here rather than by the database: SQLite and PostgreSQL collate text differently.
                Map<Variant, Tally> tallies = new TreeMap<>(Comparator.comparing(Variant::experiment).thenComparing(Variant::variant));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) tallies.computeIfAbsent(new Variant(r.getString(1), r.getString(2)), v -> new Tally()).add(r);
                }
                List<Row> rows = new ArrayList<>();
                tallies.forEach((variant, tally) -> rows.add(tally.row(variant)));
                return rows;
            }
        });
    }

    /** The nearest-rank percentile of sorted values: the smallest value that at least {@code p}% of them do not exceed. */
    static long percentile(long[] sorted, int p) {
        return sorted[Math.ceilDiv(p * sorted.length, 100) - 1];
    }

    public static String render(ReportFormat format, List<Row> rows) {
        return format.render(COLUMNS, rows.stream().map(ExperimentReport::cells).toList(), () -> json(rows));
    }

    /**
     * {@code {"currency": "USD", "rows": [{"experiment", "variant", "models": [...], "requests", "completed",
     * "failed_or_cancelled", "error_rate", "latency_p50_ms", "latency_p95_ms", "mean_cost_usd", "cost_usd",
     * "unpriced_requests", "feedback", "mean_score"}]}}; figures that do not exist (no completed, priced or rated request) are null.
     */
    public static ObjectNode json(List<Row> rows) {
        ObjectNode root = JsonNodeFactory.instance.objectNode().put("currency", UsageRecord.CURRENCY);
        ArrayNode array = root.putArray("rows");
        for (Row r : rows) {
            ObjectNode row = array.addObject().put("experiment", r.experiment()).put("variant", r.variant());
            r.models().forEach(row.putArray("models")::add);
            row.put("requests", r.requests()).put("completed", r.completed()).put("failed_or_cancelled", r.failedOrCancelled())
                    .put("error_rate", r.errorRate()).put("latency_p50_ms", r.latencyP50()).put("latency_p95_ms", r.latencyP95())
                    .put("mean_cost_usd", r.meanCost()).put("cost_usd", r.cost()).put("unpriced_requests", r.unpriced())
                    .put("feedback", r.feedback()).put("mean_score", r.meanScore());
        }
        return root;
    }

    private static List<String> cells(Row r) {
        return List.of(r.experiment(), r.variant(), String.join(",", r.models()), Long.toString(r.requests()),
                Long.toString(r.completed()), Long.toString(r.failedOrCancelled()), fraction(r.errorRate()), orEmpty(r.latencyP50()),
                orEmpty(r.latencyP95()), r.meanCost() == null ? "" : r.meanCost().toPlainString(), r.cost().toPlainString(),
                Long.toString(r.unpriced()), Long.toString(r.feedback()), r.meanScore() == null ? "" : fraction(r.meanScore()));
    }

    private static String fraction(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    private static String orEmpty(Long value) {
        return value == null ? "" : value.toString();
    }

    /** What one variant's requests add up to, as the ledger is read. */
    private static final class Tally {
        private final Set<String> models = new TreeSet<>();
        private final List<Long> latencies = new ArrayList<>();
        private long requests;
        private long costMicros;
        private long unpriced;
        private long feedback;
        private double scores;

        /** Adds a row of the report's query. */
        void add(ResultSet r) throws SQLException {
            requests++;
            String model = r.getString(3);
            if (model != null) models.add(model);
            if ("completed".equals(r.getString(4))) latencies.add(r.getLong(5));
            long cost = r.getLong(6);
            if (r.wasNull()) unpriced++;
            else costMicros += cost;
            double score = r.getDouble(7);
            if (!r.wasNull()) {
                feedback++;
                scores += score;
            }
        }

        Row row(Variant variant) {
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Row(variant.experiment(), variant.variant(), List.copyOf(models), requests, sorted.length,
                    sorted.length == 0 ? null : percentile(sorted, 50), sorted.length == 0 ? null : percentile(sorted, 95),
                    BigDecimal.valueOf(costMicros, MICROS), unpriced, feedback, feedback == 0 ? null : scores / feedback);
        }
    }
}
