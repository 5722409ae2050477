package dev.quarry.surface;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.Base64Text;
import dev.quarry.canonical.QuarryException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON for surfaces: one shared mapper, and field readers whose errors name the exact field
 * ({@code messages[2].content}) so a client learns what to fix.
 */
public final class Json {
    /** Nesting depth allowed in a request body; deeper is hostile, not a conversation. */
    private static final int MAX_DEPTH = 200;

    /** Buffers from Jackson's process-wide pool, as the provider codecs' mapper has them (requests run on fresh virtual threads). */
    public static final ObjectMapper MAPPER = JsonMapper.builder(
                    JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build());
    }

    private Json() {}

    /** Parses a request body that must be a JSON object. */
    public static ObjectNode parseObject(byte[] body) {
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw QuarryException.invalid(null, "The request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw QuarryException.invalid(null, "The request body could not be read: " + e.getMessage());
        }
        if (node == null || node.isMissingNode()) throw QuarryException.invalid(null, "The request body is empty; send a JSON object.");
        if (!(node instanceof ObjectNode object)) throw QuarryException.invalid(null, "The request body must be a JSON object.");
        return object;
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static String write(JsonNode node) {
        return node.toString();
    }

    /**
     * Appends {@code text} as a JSON string literal, quotes included, escaped as the mapper would:
     * for the stream encoders' hot path, which write the few bytes that change around fixed frames.
     */
    public static StringBuilder appendQuoted(StringBuilder json, String text) {
        json.append('"');
        JsonStringEncoder.getInstance().quoteAsString(text, json);
        return json.append('"');
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /** A required string field. */
    public static String requireText(JsonNode parent, String field, String path) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) throw QuarryException.invalid(path, "Missing required parameter: '" + path + "'.");
        if (!value.isTextual()) throw QuarryException.invalid(path, "'" + path + "' must be a string.");
        return value.textValue();
    }

    /** An optional string field, {@code null} when absent or null. */
    public static String optText(JsonNode parent, String field, String path) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) return null;
        if (!value.isTextual()) throw QuarryException.invalid(path, "'" + path + "' must be a string.");
        return value.textValue();
    }

    /** An optional opaque token a provider handed out ({@link Base64Text#requireToken}), {@code null} when absent or null. */
    public static String optToken(JsonNode parent, String field, String path) {
        String value = optText(parent, field, path);
        return value == null ? null : Base64Text.requireToken(value, path);
    }

    public static Integer optInt(JsonNode parent, String field, String path, int min) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) return null;
        if (!value.canConvertToInt() || !value.isIntegralNumber()) throw QuarryException.invalid(path, "'" + path + "' must be an integer.");
        if (value.intValue() < min) throw QuarryException.invalid(path, "'" + path + "' must be at least " + min + ".");
        return value.intValue();
    }

    public static Double optNumber(JsonNode parent, String field, String path) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) return null;
        if (!value.isNumber()) throw QuarryException.invalid(path, "'" + path + "' must be a number.");
        return value.doubleValue();
    }

    public static boolean optBoolean(JsonNode parent, String field, String path, boolean fallback) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) return fallback;
        if (!value.isBoolean()) throw QuarryException.invalid(path, "'" + path + "' must be true or false.");
        return value.booleanValue();
    }

    /** An array field; absent or null gives an empty list. */
    public static List<JsonNode> optArray(JsonNode parent, String field, String path) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) return List.of();
        if (!value.isArray()) throw QuarryException.invalid(path, "'" + path + "' must be an array.");
        List<JsonNode> items = new ArrayList<>(value.size());
        value.forEach(items::add);
        return items;
    }

    public static JsonNode requireObject(JsonNode parent, String field, String path) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) throw QuarryException.invalid(path, "Missing required parameter: '" + path + "'.");
        if (!value.isObject()) throw QuarryException.invalid(path, "'" + path + "' must be an object.");
        return value;
    }

    /** A JSON value as plain Java (Map, List, String, Number, Boolean, null), for canonical extensions. */
    public static Object plain(JsonNode node) {
        return MAPPER.convertValue(node, Object.class);
    }

    /** Copies the fields present in {@code source} to a map of plain Java values. */
    public static Map<String, Object> pick(JsonNode source, String... fields) {
        Map<String, Object> picked = new LinkedHashMap<>();
        for (String field : fields) {
            JsonNode value = source.get(field);
            if (value != null && !value.isNull()) picked.put(field, plain(value));
        }
        return picked;
    }

    /** Plain Java back to JSON. */
    public static JsonNode tree(Object plain) {
        return MAPPER.valueToTree(plain);
    }
}
