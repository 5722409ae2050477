package dev.quarry.metering;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/** Renders usage report rows as an aligned table, CSV or JSON; the CLI and the admin API share it. */
public enum ReportFormat {
    TABLE, CSV, JSON;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** @throws IllegalArgumentException naming the choices */
    public static ReportFormat of(String name) {
        for (ReportFormat f : values()) if (f.name().equalsIgnoreCase(name)) return f;
        throw new IllegalArgumentException("unknown format '" + name + "'; choose table, csv or json");
    }

    public String render(UsageReport.By by, List<UsageReport.Row> rows) {
        return switch (this) {
            case TABLE -> table(by, rows);
            case CSV -> csv(by, rows);
            case JSON -> json(by, rows).toPrettyString() + "\n";
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

    private static String table(UsageReport.By by, List<UsageReport.Row> rows) {
        String format = "%-32s %9s %12s %12s %12s %12s %14s %9s%n";
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, format, by.label().toUpperCase(Locale.ROOT), "REQUESTS",
                "INPUT", "OUTPUT", "CACHE_READ", "CACHE_WRITE", "COST_USD", "UNPRICED"));
        for (UsageReport.Row r : rows) {
            out.append(String.format(Locale.ROOT, format, r.key(), r.requests(), r.usage().inputTokens(), r.usage().outputTokens(),
                    r.usage().cacheReadTokens(), r.usage().cacheWriteTokens(), r.cost().toPlainString(), r.unpriced()));
        }
        return out.toString();
    }

    private static String csv(UsageReport.By by, List<UsageReport.Row> rows) {
        StringBuilder out = new StringBuilder(by.label() + ",requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,cost_usd,unpriced_requests\n");
        for (UsageReport.Row r : rows) {
            out.append(String.join(",", quoted(r.key()), Long.toString(r.requests()), Long.toString(r.usage().inputTokens()),
                    Long.toString(r.usage().outputTokens()), Long.toString(r.usage().cacheReadTokens()),
                    Long.toString(r.usage().cacheWriteTokens()), r.cost().toPlainString(), Long.toString(r.unpriced()))).append('\n');
        }
        return out.toString();
    }

    /** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
    private static String quoted(String field) {
        if (field.chars().noneMatch(ch -> ch == ',' || ch == '"' || ch == '\n' || ch == '\r')) return field;
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
