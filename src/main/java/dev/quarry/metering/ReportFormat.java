package dev.quarry.metering;

import static java.util.stream.Collectors.joining;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.function.Supplier;

/**
 * Renders report rows as an aligned table, CSV or JSON; the CLI and the admin API share it. A
 * report states its columns, each row's cells and its JSON document once, and gets all three.
 */
public enum ReportFormat {
    TABLE("text/plain; charset=utf-8"), CSV("text/csv; charset=utf-8"), JSON("application/json");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The usage report's columns after its key, whose heading depends on the grouping. */
    private static final List<Column> USAGE_FIGURES = List.of(Column.figure("REQUESTS", "requests", 9),
            Column.figure("INPUT", "input_tokens", 12), Column.figure("OUTPUT", "output_tokens", 12),
            Column.figure("CACHE_READ", "cache_read_tokens", 12), Column.figure("CACHE_WRITE", "cache_write_tokens", 12),
            Column.figure("COST_USD", "cost_usd", 14), Column.figure("UNPRICED", "unpriced_requests", 9));

    private final String mediaType;

    ReportFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    /**
     * A column of the table and the CSV.
     *
     * @param width       the table's minimum width for it; longer cells push the line on rather than being cut
     * @param leftAligned text reads from the left; figures line up on the right
     */
    public record Column(String heading, String csvName, int width, boolean leftAligned) {
        public static Column text(String heading, String csvName, int width) {
            return new Column(heading, csvName, width, true);
        }

        public static Column figure(String heading, String csvName, int width) {
            return new Column(heading, csvName, width, false);
        }
    }

    /** @throws IllegalArgumentException naming the choices */
    public static ReportFormat of(String name) {
        for (ReportFormat f : values()) if (f.name().equalsIgnoreCase(name)) return f;
        throw new IllegalArgumentException("unknown format '" + name + "'; choose table, csv or json");
    }

    /** The HTTP media type of what {@link #render} gives, for the admin API. */
    public String mediaType() {
        return mediaType;
    }

    public String render(UsageReport.By by, List<UsageReport.Row> rows) {
        List<Column> columns = new ArrayList<>();
        columns.add(Column.text(by.label().toUpperCase(Locale.ROOT), by.label(), 32));
        columns.addAll(USAGE_FIGURES);
        return render(columns, rows.stream().map(ReportFormat::cells).toList(), () -> json(by, rows));
    }

    /**
     * Renders any report: the table and the CSV from its columns and its rows' cells (one per
     * column, never null), JSON from its document, built only when asked for.
     */
    public String render(List<Column> columns, List<List<String>> cells, Supplier<? extends JsonNode> json) {
        return switch (this) {
            case TABLE -> table(columns, cells);
            case CSV -> csv(columns, cells);
            case JSON -> json.get().toPrettyString() + "\n";
        };
    }

    /** {@code {"by": "model", "rows": [{"key", "requests", "input_tokens", …, "cost_usd", "unpriced_requests"}]}} */
    public static ObjectNode json(UsageReport.By by, List<UsageReport.Row> rows) {
        ObjectNode root = MAPPER.createObjectNode().put("by", by.label()).put("currency", UsageRecord.CURRENCY);
        ArrayNode array = root.putArray("rows");
        for (UsageReport.Row r : rows) {
            array.addObject().put("key", r.key()).put("requests", r.requests())
                    .put("input_tokens", r.usage().inputTokens()).put("output_tokens", r.usage().outputTokens())
                    .put("cache_read_tokens", r.usage().cacheReadTokens()).put("cache_write_tokens", r.usage().cacheWriteTokens())
                    .put("cost_usd", r.cost()).put("unpriced_requests", r.unpriced());
        }
        return root;
    }

    private static List<String> cells(UsageReport.Row r) {
        return List.of(r.key(), Long.toString(r.requests()), Long.toString(r.usage().inputTokens()), Long.toString(r.usage().outputTokens()),
                Long.toString(r.usage().cacheReadTokens()), Long.toString(r.usage().cacheWriteTokens()), r.cost().toPlainString(),
                Long.toString(r.unpriced()));
    }

    private static String table(List<Column> columns, List<List<String>> cells) {
        StringBuilder out = new StringBuilder();
        line(out, columns, columns.stream().map(Column::heading).toList());
        for (List<String> row : cells) line(out, columns, row);
        return out.toString();
    }

    private static void line(StringBuilder out, List<Column> columns, List<String> cells) {
        StringJoiner line = new StringJoiner(" ", "", System.lineSeparator());
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            line.add(String.format(Locale.ROOT, "%" + (column.leftAligned() ? "-" : "") + column.width() + "s", cells.get(i)));
        }
        out.append(line);
    }

    private static String csv(List<Column> columns, List<List<String>> cells) {
        StringBuilder out = new StringBuilder(columns.stream().map(Column::csvName).collect(joining(","))).append('\n');
        for (List<String> row : cells) out.append(row.stream().map(ReportFormat::quoted).collect(joining(","))).append('\n');
        return out.toString();
    }

    /** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
    private static String quoted(String field) {
        if (field.chars().noneMatch(ch -> ch == ',' || ch == '"' || ch == '\n' || ch == '\r')) return field;
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
