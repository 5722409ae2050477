package dev.quarry.provider.gemini.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.provider.wire.Json;
import java.util.Locale;
import java.util.Set;

/**
 * Rewrites a tool's JSON Schema into the subset of OpenAPI 3.0 schemas Gemini's {@code parameters}
 * accepts. Gemini refuses a request with any field its Schema message does not define
 * ({@code $schema}, {@code additionalProperties}, {@code $ref}, {@code oneOf}, ...), so the schema is
 * rebuilt from the fields it does define and everything else is dropped: the model then sees a
 * looser schema, which is better than no call at all. Where JSON Schema has a direct equivalent it
 * is used instead: a type list with {@code "null"} becomes {@code nullable}, {@code const} a one-value
 * {@code enum}, {@code oneOf} an {@code anyOf}.
 */
final class GeminiSchema {
    /** Fields copied as they are. */
    private static final Set<String> PLAIN = Set.of("title", "description", "nullable", "minItems", "maxItems", "minProperties",
            "maxProperties", "minLength", "maxLength", "pattern", "minimum", "maximum", "propertyOrdering", "default", "example");
    /** Gemini knows only these formats and refuses others (uri, email, ...). */
    private static final Set<String> FORMATS = Set.of("enum", "date-time", "float", "double", "int32", "int64");

    private GeminiSchema() {}

    /** The schema of a function's parameters, or {@code null} when it takes none, which Gemini wants left unset. */
    static ObjectNode parameters(JsonNode schema) {
        ObjectNode out = of(schema);
        return out.path("properties").isEmpty() && "OBJECT".equals(Json.text(out, "type")) ? null : out;
    }

    static ObjectNode of(JsonNode schema) {
        ObjectNode out = Json.object();
        if (!schema.isObject()) return out;
        type(schema.get("type"), out);
        schema.properties().forEach(field -> {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (PLAIN.contains(name)) out.set(name, value);
            else if (name.equals("format") && value.isTextual() && FORMATS.contains(value.textValue())) out.set(name, value);
            else if (name.equals("items")) out.set(name, of(value));
            else if ((name.equals("anyOf") || name.equals("oneOf")) && value.isArray()) anyOf(value, out.withArrayProperty("anyOf"));
            else if (name.equals("properties") && !value.isEmpty()) properties(value, out.putObject("properties"));
            else if (name.equals("enum")) enumeration(value, out);
            else if (name.equals("const") && value.isTextual()) out.putArray("enum").add(value);
        });
        required(schema.path("required"), out);
        return out;
    }

    /** JSON Schema allows a list of types; Gemini one type, and says "or null" with {@code nullable}. */
    private static void type(JsonNode type, ObjectNode out) {
        if (type == null) return;
        if (type.isTextual() && !type.textValue().equals("null")) out.put("type", type.textValue().toUpperCase(Locale.ROOT));
        if (!type.isArray()) return;
        for (JsonNode member : type) {
            if (member.asText().equals("null")) out.put("nullable", true);
            else if (!out.has("type")) out.put("type", member.asText().toUpperCase(Locale.ROOT));
        }
    }

    private static void anyOf(JsonNode alternatives, ArrayNode into) {
        alternatives.forEach(alternative -> into.add(of(alternative)));
    }

    private static void properties(JsonNode properties, ObjectNode into) {
        properties.properties().forEach(property -> into.set(property.getKey(), of(property.getValue())));
    }

    /** Gemini's enum is a list of strings; an enum of numbers cannot be said and is left out. */
    private static void enumeration(JsonNode values, ObjectNode out) {
        if (!values.isArray()) return;
        for (JsonNode value : values) {
            if (!value.isTextual()) return;
        }
        out.set("enum", values);
    }

    /** Gemini refuses a required property that is not among the properties. */
    private static void required(JsonNode required, ObjectNode out) {
        if (!required.isArray()) return;
        ArrayNode kept = Json.MAPPER.createArrayNode();
        for (JsonNode name : required) {
            if (out.path("properties").has(name.asText())) kept.add(name);
        }
        if (!kept.isEmpty()) out.set("required", kept);
    }
}
