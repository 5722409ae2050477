package dev.quarry.surface.openai;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;

/**
 * A bounded structural check of a Lark grammar, one linear pass, no Lark parser: a grammar it
 * passes may still be refused by a real one, but what it refuses no Lark parser accepts. It checks
 * that string literals ({@code "…"}) and regex literals ({@code /…/flags}) end on the line they
 * start; that brackets ({@code ()}, {@code []}, {@code {}}) outside literals and {@code //}
 * comments are balanced and nested; that each line outside brackets is a definition
 * ({@code name:}, {@code ?name:}, {@code NAME.2:}, {@code name{x}:}), an alternative
 * ({@code | …}), a directive ({@code %import …}), a comment or blank; and that there is at least
 * one definition.
 */
final class LarkOutline {
    private static final Pattern DEFINITION = Pattern.compile("[?!]?[A-Za-z_][A-Za-z0-9_]*(\\{[^}]*})?(\\.-?\\d+)?\\s*:.*");

    private LarkOutline() {}

    /** What is wrong with the grammar's outline, or {@code null} when nothing the check looks at is. */
    static String problem(String grammar) {
        Deque<Character> open = new ArrayDeque<>();
        boolean defined = false;
        String[] lines = grammar.split("\r?\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            String start = line.strip();
            if (open.isEmpty() && !start.isEmpty() && !start.startsWith("//")) {
                boolean definition = DEFINITION.matcher(start).matches();
                if (!definition && !start.startsWith("|") && !start.startsWith("%")) {
                    return "line " + (n + 1) + " is neither a rule or terminal definition (name: …), an alternative (| …) nor a directive (%…)";
                }
                defined |= definition;
            }
            String lineProblem = scan(line, open);
            if (lineProblem != null) return "line " + (n + 1) + ": " + lineProblem;
        }
        if (!open.isEmpty()) return "'" + open.peek() + "' is never closed";
        return defined ? null : "it defines no rule or terminal";
    }

    /** Walks one line, keeping the open brackets; a literal must close on its line. */
    private static String scan(String line, Deque<Character> open) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            switch (c) {
                case '"', '/' -> {
                    if (c == '/' && i + 1 < line.length() && line.charAt(i + 1) == '/') return null;
                    int end = closing(line, i);
                    if (end < 0) return (c == '"' ? "a string literal" : "a regex literal") + " is not closed";
                    i = end;
                }
                case '(', '[', '{' -> open.push(c);
                case ')', ']', '}' -> {
                    char expected = c == ')' ? '(' : c == ']' ? '[' : '{';
                    if (open.isEmpty() || open.peek() != expected) return "'" + c + "' closes nothing that is open";
                    open.pop();
                }
                default -> {}
            }
        }
        return null;
    }

    /** The index of the quote or slash that closes the literal opened at {@code start}, or -1. */
    private static int closing(String line, int start) {
        char quote = line.charAt(start);
        for (int i = start + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') i++;
            else if (c == quote) return i;
        }
        return -1;
    }
}
