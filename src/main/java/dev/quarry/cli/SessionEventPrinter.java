package dev.quarry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.function.Supplier;

/**
 * A session's stream events as readable lines: {@code 12:00:01 turn.created turn_…}; the text
 * deltas of one answer accumulate on one {@code text: …} line. Times are when each event arrived:
 * the events carry none of their own.
 */
final class SessionEventPrinter {
    private static final String PREFIX = "agent.session.";
    /** The most of a streamed answer kept to compare with its item.done; a longer one is simply printed again. */
    private static final int MAX_KEPT = 1 << 20;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintStream out;
    private final Supplier<LocalTime> clock;
    /** The item whose text line is open, or {@code null}. */
    private String textItem;
    /** The text of the last item printed as deltas: its item.done need not say it again. */
    private String streamedItem;
    private final StringBuilder streamed = new StringBuilder();

    SessionEventPrinter(PrintStream out, Supplier<LocalTime> clock) {
        this.out = out;
        this.clock = clock;
    }

    void print(String type, JsonNode event) {
        String name = type.startsWith(PREFIX) ? type.substring(PREFIX.length()) : type;
        switch (name) {
            case "turn.output_text.delta" -> delta(event);
            // The answer's text is already on its line, or (replayed, without deltas) in its item.done.
            case "turn.output_text.done", "turn.content_part.added", "turn.content_part.done" -> {}
            case "turn.item.added" -> {
                // An answer is shown by its deltas and its item.done; an input (a user's message, a tool's result) has only item.added.
                JsonNode item = event.path("item");
                if (!item.path("type").asText().equals("message") || item.path("role").asText().equals("user")) line(name + " " + SessionText.item(item));
            }
            case "turn.item.done" -> itemDone(name, event.path("item"));
            case "turn.created", "turn.in_progress" -> line(name + " " + event.path("turn_id").asText());
            case "turn.completed", "turn.failed", "turn.cancelled" -> line(name + " " + event.path("turn_id").asText() + " "
                    + SessionText.usage(event.path("usage")) + SessionText.error(event.path("turn").path("error")));
            case "error" -> line("error: " + event.path("error").path("code").asText() + " " + SessionText.quoted(event.path("error").path("message").asText()));
            default -> session(name, event);
        }
    }

    /** Ends an open text line: the stream ended or moves on. */
    void finish() {
        if (textItem != null) out.println();
        textItem = null;
        out.flush();
    }

    private void itemDone(String name, JsonNode item) {
        boolean wholeAbove = item.path("id").asText().equals(streamedItem) && SessionText.text(item).contentEquals(streamed);
        line(name + " " + (wholeAbove ? item.path("type").asText() + " (" + item.path("role").asText() + "): (the text above)" : SessionText.item(item)));
    }

    private void session(String name, JsonNode event) {
        JsonNode session = event.path("session");
        line("session." + name + (name.equals("created") ? " " + event.path("session_id").asText() + " model=" + session.path("agent").path("model").asText() : "")
                + SessionText.error(session.path("error")));
        if (name.equals("requires_action")) {
            for (JsonNode action : session.path("required_actions")) {
                line("requires_action: " + action.path("type").asText() + " " + action.path("name").asText() + " "
                        + SessionText.quoted(action.path("arguments").asText()) + " " + action.path("call_id").asText());
            }
        }
    }

    private void delta(JsonNode event) {
        String item = event.path("item_id").asText();
        if (!item.equals(textItem)) {
            finish();
            out.print(stamp() + "text: ");
            textItem = item;
            streamedItem = item;
            streamed.setLength(0);
        }
        String delta = event.path("delta").asText();
        if (streamed.length() + delta.length() > MAX_KEPT) streamedItem = null;
        else streamed.append(delta);
        out.print(Terminal.line(delta));
        out.flush();
    }

    private void line(String text) {
        finish();
        out.println(stamp() + Terminal.line(text));
        out.flush();
    }

    private String stamp() {
        return CLOCK.format(clock.get()) + " ";
    }
}
