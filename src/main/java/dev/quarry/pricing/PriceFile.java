package dev.quarry.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads price sheet entries: a list of mappings, from a YAML or JSON file ({@code quarry prices
 * load}) or an admin API body. Every mistake names the entry and field ({@code [2].input}); unknown
 * keys are refused, and two entries for the same model, platform and day are refused as overlapping.
 *
 * <pre>
 * - { model: claude-sonnet-4.5, platform: direct, effective_from: 2026-01-01, currency: USD,
 *     input: 3, output: 15, cache_read: 0.30, cache_write: 3.75, cache_write_1h: 6, batch_discount: 0.5 }
 * </pre>
 */
public final class PriceFile {
    /** YAML is a superset of JSON, so one reader takes both. */
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> FIELDS = Set.of("model", "platform", "effective_from", "currency", "input", "output",
            "cache_read", "cache_write", "cache_write_1h", "batch_discount");

    private PriceFile() {}

    public static List<PriceEntry> read(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new PricingException("cannot read price file " + file + ": " + e.getMessage());
        }
        return parse(root);
    }

    /** @throws PricingException naming the entry and field at fault */
    public static List<PriceEntry> parse(JsonNode list) {
        if (list == null || !list.isArray()) throw new PricingException("prices must be a list of entries");
        List<PriceEntry> entries = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            PriceEntry entry = entry(list.get(i), "[" + i + "]");
            String key = entry.model() + " on " + entry.platform() + " from " + entry.effectiveFrom();
            Integer earlier = seen.putIfAbsent(key, i);
            if (earlier != null) {
                throw new PricingException("[" + i + "] overlaps [" + earlier + "]: both price " + key
                        + "; give each price change its own effective_from");
            }
            entries.add(entry);
        }
        return entries;
    }

    /** Entries in the form {@link #parse} reads, so what the admin API returns can be loaded again. */
    public static ArrayNode json(List<PriceEntry> entries) {
        ArrayNode array = YAML.createArrayNode();
        for (PriceEntry e : entries) {
            ObjectNode o = array.addObject().put("model", e.model()).put("platform", e.platform())
                    .put("effective_from", e.effectiveFrom().toString()).put("currency", e.currency())
                    .put("input", e.input()).put("output", e.output());
            if (e.cacheRead() != null) o.put("cache_read", e.cacheRead());
            if (e.cacheWrite() != null) o.put("cache_write", e.cacheWrite());
            if (e.cacheWrite1h() != null) o.put("cache_write_1h", e.cacheWrite1h());
            if (e.batchDiscount() != null) o.put("batch_discount", e.batchDiscount());
        }
        return array;
    }

    private static PriceEntry entry(JsonNode node, String path) {
        if (!node.isObject()) throw new PricingException(path + " must be a mapping");
        node.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) throw new PricingException(path + "." + f + " is not a known field (known: " + FIELDS.stream().sorted().toList() + ")");
        });
        String model = text(node, "model", path);
        String platform = text(node, "platform", path);
        LocalDate from = day(node, path);
        String currency = node.hasNonNull("currency") ? text(node, "currency", path) : Money.USD;
        BigDecimal input = price(node, "input", path);
        BigDecimal output = price(node, "output", path);
        BigDecimal cacheRead = price(node, "cache_read", path);
        BigDecimal cacheWrite = price(node, "cache_write", path);
        BigDecimal cacheWrite1h = price(node, "cache_write_1h", path);
        BigDecimal batchDiscount = price(node, "batch_discount", path);
        try {
            return new PriceEntry(model, platform, from, currency, input, output, cacheRead, cacheWrite, cacheWrite1h, batchDiscount);
        } catch (PricingException e) {
            // The entry's own rules name the field; add which entry it is.
            throw new PricingException(path + ": " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field, String path) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) throw new PricingException(path + "." + field + " must be a non-empty string");
        return v.asText();
    }

    private static LocalDate day(JsonNode node, String path) {
        String text = text(node, "effective_from", path);
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new PricingException(path + ".effective_from must be a day like 2026-01-31, not '" + text + "'");
        }
    }

    private static BigDecimal price(JsonNode node, String field, String path) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (v.isNumber()) return v.decimalValue();
        // Quoted decimals keep their exact digits through YAML; accept them as numbers too.
        if (v.isTextual()) {
            try {
                return new BigDecimal(v.asText());
            } catch (NumberFormatException ignored) {
                // reported below with the field's path
            }
        }
        throw new PricingException(path + "." + field + " must be a number (dollars per million tokens)");
    }
}
