package dev.quarry.surface;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * A tool call's arguments as the OpenAI APIs carry them: JSON written inside a JSON string. The
 * providers that take arguments as an object parse that text, so an escape in it
 * ({@code "\u0034539…"}) reaches them decoded, while a guard reading the text as written would see
 * the escape. Arguments are therefore rewritten once, as they are decoded, to the JSON the
 * providers send: parsed and written back by Jackson, which writes characters as they are and
 * escapes only what JSON must (quotes, backslashes, control characters). The guard then reads, and
 * anonymises, exactly the text that leaves. Numbers are kept exact.
 *
 * <p>Arguments that are not one JSON value are left as they are: the OpenAI APIs take them as a
 * string (a client replays a call cut short by the token limit that way), and the providers that
 * parse arguments refuse them.
 */
public final class ToolArguments {
    private static final ObjectReader READER = Json.MAPPER.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private ToolArguments() {}

    /** The arguments as providers are sent them; {@code "{}"} for none. */
    public static String canonical(String arguments) {
        if (arguments == null || arguments.isBlank()) return "{}";
        try {
            JsonNode parsed = READER.readTree(arguments);
            return parsed == null || parsed.isMissingNode() ? arguments : parsed.toString();
        } catch (JsonProcessingException e) {
            return arguments;
        }
    }
}
