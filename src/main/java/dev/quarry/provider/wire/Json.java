package dev.quarry.provider.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The one Jackson mapper of the provider codecs, and the lenient reads upstream wire formats need. */
public final class Json {
    /**
     * Its buffers come from Jackson's process-wide pool: the default pool is per thread, and each
     * call runs on a fresh virtual thread, so every parse and write would allocate its buffers anew.
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder(
            JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build()).build();
    /**
     * Reads one whole JSON value: text with anything after it is not JSON. A tool call's input or
     * result read up to its first value would send a provider a value the input guard, which reads
     * the whole text, never saw.
     */
    private static final ObjectReader WHOLE = MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Longest piece of an upstream's text quoted in a message. */
    private static final int MAX_EXCERPT = 300;

    private Json() {}

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Parses JSON text; empty when it is not JSON, which callers decide how to report. */
    public static Optional<JsonNode> parse(String text) {
        try {
            return Optional.of(WHOLE.readTree(text));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /** Copies the values of {@code keys} that are present, plain Java values (maps, lists, numbers) becoming JSON. */
    public static void copy(Map<String, Object> values, List<String> keys, ObjectNode into) {
        for (String key : keys) {
            Object value = values.get(key);
            if (value != null) into.set(key, MAPPER.valueToTree(value));
        }
    }

    /** The string at {@code field}, or {@code null} when it is absent, null or not a string. */
    public static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    /** The string at {@code field}, or {@code ""} when there is none. */
    public static String textOrEmpty(JsonNode node, String field) {
        String value = text(node, field);
        return value == null ? "" : value;
    }

    /** An upstream's text (an error body that is not the expected JSON) cut to a length fit for an error message. */
    public static String excerpt(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) return "(no error message)";
        return trimmed.length() <= MAX_EXCERPT ? trimmed : trimmed.substring(0, MAX_EXCERPT) + "…";
    }
}
