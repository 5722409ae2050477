package dev.quarry.guardrails;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Strings inside a JSON text, decoded, for the policies that read what a provider reads rather than the text as written. */
final class JsonStrings {
    private static final JsonFactory JSON = new JsonFactory();

    /** Which strings of a JSON text to keep: the parser stands on a field name or a string value. */
    @FunctionalInterface
    private interface Keep {
        boolean keep(JsonParser parser, String text, String value) throws IOException;
    }

    private JsonStrings() {}

    /**
     * The names and string values of a JSON object that its text writes with escapes: what a
     * provider that parses the text (Gemini sends a tool result that is a JSON object as an object)
     * reads, and a guard reading the text as written does not ({@code "ann\u0040example.com"}).
     * Strings written as they read are left out: the text itself shows them. Empty when nothing is
     * escaped, or the text is not one whole JSON object (then no provider parses it).
     */
    static List<String> escaped(String text) {
        // Most tool results escape nothing: they are not parsed at all.
        if (text.indexOf('\\') < 0) return List.of();
        return strings(text, true, (parser, json, value) -> !writtenAsIs(json, (int) parser.currentTokenLocation().getCharOffset(), value));
    }

    /** The string values of one whole JSON value (not its names): the prose of a schema or a structured field. */
    static List<String> values(String text) {
        return strings(text, false, (parser, json, value) -> parser.currentToken() == JsonToken.VALUE_STRING);
    }

    private static List<String> strings(String text, boolean objectOnly, Keep keep) {
        List<String> kept = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(text)) {
            JsonToken token = parser.nextToken();
            if (token == null || objectOnly && token != JsonToken.START_OBJECT) return List.of();
            for (int depth = 0; ; token = parser.nextToken()) {
                if (token == null) return List.of();
                if (token.isStructStart()) depth++;
                else if (token.isStructEnd()) depth--;
                else if (token == JsonToken.FIELD_NAME || token == JsonToken.VALUE_STRING) {
                    String value = parser.getText();
                    if (keep.keep(parser, text, value)) kept.add(value);
                }
                if (depth == 0) break;
            }
            return parser.nextToken() == null ? kept : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Whether the string token that starts (with its quote) at {@code at} is {@code value} in quotes, character for character. */
    private static boolean writtenAsIs(String text, int at, String value) {
        int end = at + 1 + value.length();
        return end < text.length() && text.charAt(at) == '"' && text.regionMatches(at + 1, value, 0, value.length()) && text.charAt(end) == '"';
    }
}
