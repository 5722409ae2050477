package dev.quarry.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Text from a server made safe to print on a terminal. Names, tags, price-sheet models, budget
 * and commitment names and audit fields are written by whoever may call the admin or model API;
 * an escape sequence among them, printed raw, would let that caller clear the operator's screen,
 * retitle the window, hide or forge rows, or (on some terminals) answer back as keystrokes. Every
 * control character (C0, DEL, C1) and every bidirectional override is therefore shown as its
 * {@code \\uXXXX} escape: visible in a table or CSV, and inside a JSON string the very same
 * character, so JSON output still parses to the server's exact values.
 */
final class Terminal {
    private Terminal() {}

    /** A document as pretty-printed JSON, safe to print. */
    static String json(JsonNode document) {
        return text(document.toPrettyString());
    }

    /** Multi-line text (a report, a JSON document): line breaks and tabs stay, every other control is escaped. */
    static String text(String text) {
        return escaped(text, true);
    }

    /** One line (a table cell, a message): line breaks and tabs are escaped too. */
    static String line(String text) {
        return escaped(text, false);
    }

    private static String escaped(String text, boolean keepLines) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean kept = !dangerous(c)
                    || keepLines && (c == '\n' || c == '\t' || c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n');
            if (kept) {
                if (out != null) out.append(c);
                continue;
            }
            if (out == null) out = new StringBuilder(text.length() + 16).append(text, 0, i);
            out.append(String.format("\\u%04x", (int) c));
        }
        return out == null ? text : out.toString();
    }

    private static boolean dangerous(char c) {
        return Character.isISOControl(c) // C0, DEL and C1 (U+009B is a one-character CSI)
                || c == '\u061c' || c == '\u200e' || c == '\u200f' // bidi marks
                || c >= '\u202a' && c <= '\u202e' // bidi embeddings and overrides
                || c >= '\u2066' && c <= '\u2069'; // bidi isolates
    }
}
