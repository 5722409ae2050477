package dev.quarry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.StringJoiner;

/**
 * Rows printed as aligned columns, each as wide as its widest cell in terminal columns (see
 * {@link DisplayWidth}: a name in CJK or with an emoji keeps the columns after it in line); the
 * last column is not padded.
 */
final class Table {
    private final List<String> headings;
    private final List<List<String>> rows = new ArrayList<>();

    Table(String... headings) {
        this.headings = List.of(headings);
    }

    Table row(String... cells) {
        if (cells.length != headings.size()) throw new IllegalArgumentException(cells.length + " cells for " + headings.size() + " columns");
        // Made safe here, before widths are measured: cells hold what any API caller may have named things.
        rows.add(Arrays.stream(cells).map(Terminal::line).toList());
        return this;
    }

    String render() {
        int[] widths = new int[headings.size()];
        for (List<String> row : allRows()) for (int i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i], DisplayWidth.of(row.get(i)));
        StringBuilder out = new StringBuilder();
        for (List<String> row : allRows()) {
            StringJoiner line = new StringJoiner("  ");
            for (int i = 0; i < widths.length; i++) line.add(i == widths.length - 1 ? row.get(i) : pad(row.get(i), widths[i]));
            out.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return out.toString();
    }

    /** A JSON value as a cell: {@code -} for none, numbers as written (never 1E+6). */
    static String cell(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) return "-";
        if (value.isNumber()) return value.decimalValue().toPlainString();
        return value.isValueNode() ? value.asText() : value.toString();
    }

    /** A JSON list of strings as one cell. */
    static String joined(JsonNode list) {
        List<String> items = new ArrayList<>();
        list.forEach(item -> items.add(item.asText()));
        return String.join(",", items);
    }

    /** A JSON object of tags as {@code key=value,…}. */
    static String tags(JsonNode tags) {
        List<String> pairs = new ArrayList<>();
        tags.properties().forEach(tag -> pairs.add(tag.getKey() + "=" + tag.getValue().asText()));
        return String.join(",", pairs);
    }

    private List<List<String>> allRows() {
        List<List<String>> all = new ArrayList<>(rows.size() + 1);
        all.add(headings);
        all.addAll(rows);
        return all;
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(width - DisplayWidth.of(text));
    }
}
