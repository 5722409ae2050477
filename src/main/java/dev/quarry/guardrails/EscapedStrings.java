package dev.quarry.guardrails;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The strings of a JSON object, decoded, that its text writes with escapes: what a provider that
 * parses the text (Gemini sends a tool result that is a JSON object as an object) reads, and a
 * guard reading the text as written does not ({@code "ann\u0040example.com"}). Strings written as
 * they read are left out: the text itself shows them.
 */
final class EscapedStrings {
    private static final JsonFactory JSON = new JsonFactory();

    private EscapedStrings() {}

    /** Empty when nothing is escaped, or the text is not one whole JSON object (then no provider parses it). */
    static List<String> of(String text) {
        // Most tool results escape nothing: they are not parsed at all.
        if (text.indexOf('\\') < 0) return List.of();
        List<String> decoded = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) return List.of();
            for (int depth = 1; depth > 0; ) {
                JsonToken token = parser.nextToken();
                if (token == null) return List.of();
                if (token.isStructStart()) depth++;
                else if (token.isStructEnd()) depth--;
                else if (token == JsonToken.FIELD_NAME || token == JsonToken.VALUE_STRING) {
                    String value = parser.getText();
                    if (!writtenAsIs(text, (int) parser.currentTokenLocation().getCharOffset(), value)) decoded.add(value);
                }
            }
            return parser.nextToken() == null ? decoded : List.of();
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
