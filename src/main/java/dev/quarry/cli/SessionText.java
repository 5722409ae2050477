package dev.quarry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** A session's objects (items, turns, usage, errors) as short readable text, the same in 'show' and 'follow'. */
final class SessionText {
    /** The most of one text (a message, arguments, an output) a line quotes: a message may be 256 K characters. */
    static final int MAX_QUOTED = 2000;

    private SessionText() {}

    /** An item as {@code message (assistant): …}, {@code function_call NAME ARGS CALL_ID}, …; safe to print. */
    static String item(JsonNode item) {
        String type = item.path("type").asText();
        String text = switch (type) {
            case "message" -> "message (" + item.path("role").asText() + "): " + quoted(text(item));
            case "function_call" -> "function_call " + item.path("name").asText() + " " + quoted(item.path("arguments").asText())
                    + " " + item.path("call_id").asText();
            case "function_call_output" -> "function_call_output " + item.path("call_id").asText() + ": "
                    + (item.path("error").isTextual() ? "error " + quoted(item.path("error").asText()) : quoted(item.path("output").asText()));
            case "mcp_call" -> "mcp_call " + item.path("server_label").asText() + "." + item.path("name").asText() + " "
                    + quoted(item.path("arguments").asText())
                    + (item.path("error").isTextual() ? " error: " + quoted(item.path("error").asText())
                    : item.path("output").isTextual() ? " → " + quoted(item.path("output").asText()) : "");
            case "command_execution" -> "command_execution " + quoted(item.path("command").asText())
                    + (item.path("exit_code").isNumber() ? " exit " + item.path("exit_code").asInt() : "")
                    + (item.path("error").isTextual() ? " error: " + quoted(item.path("error").asText()) : "")
                    + (item.path("output").isTextual() ? " → " + quoted(item.path("output").asText()) : "");
            case "environment_call" -> "environment_call " + item.path("name").asText() + " " + quoted(item.path("arguments").asText())
                    + (item.path("error").isTextual() ? " error: " + quoted(item.path("error").asText())
                    : item.path("output").isTextual() ? " → " + quoted(item.path("output").asText()) : "");
            default -> type + " " + item.path("id").asText();
        };
        String status = item.path("status").asText();
        return Terminal.line(text + (status.isEmpty() || status.equals("completed") ? "" : " [" + status + "]"));
    }

    /** A required action: a function call the application owes, a call waiting for approval, an executor to connect. */
    static String action(JsonNode action) {
        return switch (action.path("type").asText()) {
            case "quarry_approval" -> "quarry_approval " + action.path("approval_id").asText() + " " + action.path("tool").asText() + " "
                    + quoted(action.path("arguments").asText()) + " (turn " + action.path("turn_id").asText() + "; quarry agents sessions approve|deny)";
            case "environment_connection" -> "environment_connection " + action.path("environment_id").asText() + " (waiting for the executor)";
            default -> action.path("type").asText() + " " + action.path("name").asText() + " " + quoted(action.path("arguments").asText()) + " "
                    + action.path("call_id").asText() + " (turn " + action.path("turn_id").asText() + ")";
        };
    }

    /** A turn as {@code turn_… completed usage in=.. out=..}, with its error if it has one. */
    static String turn(JsonNode turn) {
        return Terminal.line(turn.path("id").asText() + " " + turn.path("status").asText() + " " + usage(turn.path("usage")) + error(turn.path("error")));
    }

    static String usage(JsonNode usage) {
        return "usage in=" + usage.path("input_tokens").asLong() + " out=" + usage.path("output_tokens").asLong();
    }

    /** {@code  error: CODE MESSAGE}, or nothing when there is no error. */
    static String error(JsonNode error) {
        if (error.isTextual()) return Terminal.line(" error: " + quoted(error.asText())); // a session's error
        if (!error.isObject()) return "";
        return Terminal.line(" error: " + error.path("code").asText() + " " + quoted(error.path("message").asText()));
    }

    /** An API time (seconds since the epoch) as an ISO instant, {@code -} for none. */
    static String time(JsonNode seconds) {
        return seconds.canConvertToLong() ? Instant.ofEpochSecond(seconds.asLong()).toString() : "-";
    }

    /** Long text cut to {@value #MAX_QUOTED} characters, saying how long it was. */
    static String quoted(String text) {
        return text.length() <= MAX_QUOTED ? text : text.substring(0, MAX_QUOTED) + "… (" + text.length() + " characters)";
    }

    /** A message's text, its parts joined. */
    static String text(JsonNode message) {
        StringBuilder text = new StringBuilder();
        for (JsonNode part : message.path("content")) text.append(part.path("text").asText());
        return text.toString();
    }
}
