package dev.quarry.guardrails.regex;

import dev.quarry.guardrails.regex.RegexNode.Alternation;
import dev.quarry.guardrails.regex.RegexNode.Assertion;
import dev.quarry.guardrails.regex.RegexNode.BackReference;
import dev.quarry.guardrails.regex.RegexNode.Char;
import dev.quarry.guardrails.regex.RegexNode.Group;
import dev.quarry.guardrails.regex.RegexNode.GroupKind;
import dev.quarry.guardrails.regex.RegexNode.Mode;
import dev.quarry.guardrails.regex.RegexNode.Repeat;
import dev.quarry.guardrails.regex.RegexNode.Sequence;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a {@link Pattern} into {@link RegexNode}s. It follows {@code java.util.regex}'s syntax,
 * quirks included (a {@code ]} first in a class is literal, {@code (?x)} skips whitespace inside
 * classes, a count may follow nothing), because a parser that disagreed with the engine about
 * where a group ends would judge a different pattern from the one that runs. The pattern must
 * already compile: this parser does not report syntax errors, and throws if it loses its way.
 */
final class RegexParser {
    private final String pattern;
    private int at;
    /** The inline flags in force: only {@link Pattern#COMMENTS} and {@link Pattern#UNICODE_CHARACTER_CLASS} change what is read. */
    private int flags;

    private RegexParser(String pattern) {
        this.pattern = pattern;
    }

    static RegexNode parse(String pattern) {
        RegexParser parser = new RegexParser(pattern);
        RegexNode root = parser.alternation();
        if (parser.at != pattern.length()) throw parser.lost();
        return root;
    }

    private RegexNode alternation() {
        int start = at;
        List<RegexNode> branches = new ArrayList<>(List.of(sequence()));
        while (more() && peek() == '|') {
            at++;
            branches.add(sequence());
        }
        return branches.size() == 1 ? branches.getFirst() : new Alternation(branches, start, at);
    }

    private RegexNode sequence() {
        int start = at;
        List<RegexNode> items = new ArrayList<>();
        while (true) {
            skipComments();
            if (!more() || peek() == '|' || peek() == ')') break;
            items.add(quantified(atom()));
        }
        return items.size() == 1 ? items.getFirst() : new Sequence(items, start, at);
    }

    private RegexNode atom() {
        int start = at;
        int c = pattern.codePointAt(at);
        return switch (c) {
            case '(' -> group();
            case '[' -> new Char(charClass(), start, at);
            case '\\' -> escape();
            case '.' -> {
                at++;
                yield new Char(2, start, at);
            }
            case '^', '$' -> {
                at++;
                yield new Assertion(start, at);
            }
            // Java accepts a count with nothing before it ("{2}" matches the empty string).
            case '{' -> new Sequence(List.of(), start, start);
            default -> {
                at += Character.charCount(c);
                yield new Char(Character.charCount(c), start, at);
            }
        };
    }

    /** {@code atom} with the quantifiers that follow it; Java allows a count after a quantifier ({@code a*{2}}). */
    private RegexNode quantified(RegexNode atom) {
        RegexNode node = atom;
        while (true) {
            skipComments();
            if (!more()) return node;
            int min;
            int max;
            switch (peek()) {
                case '*' -> { at++; min = 0; max = Repeat.UNBOUNDED; }
                case '+' -> { at++; min = 1; max = Repeat.UNBOUNDED; }
                case '?' -> { at++; min = 0; max = 1; }
                case '{' -> {
                    at++;
                    min = number();
                    max = min;
                    if (peek() == ',') {
                        at++;
                        max = peek() == '}' ? Repeat.UNBOUNDED : number();
                    }
                    expect('}');
                }
                default -> { return node; }
            }
            Mode mode = mode();
            node = new Repeat(node, min, max, mode, atom.start(), at);
        }
    }

    private Mode mode() {
        int before = at;
        skipComments();
        if (more() && (peek() == '?' || peek() == '+')) return pattern.charAt(at++) == '?' ? Mode.LAZY : Mode.POSSESSIVE;
        at = before; // the whitespace belongs to what follows, not to the quantifier
        return Mode.GREEDY;
    }

    private RegexNode group() {
        int start = at++;
        int outerFlags = flags;
        skipComments();
        GroupKind kind = GroupKind.PLAIN;
        if (peek() == '?') {
            at++;
            switch (peek()) {
                case ':' -> at++;
                case '>' -> { at++; kind = GroupKind.ATOMIC; }
                case '=', '!' -> { at++; kind = GroupKind.LOOKAROUND; }
                case '<' -> {
                    at++;
                    if (peek() == '=' || peek() == '!') {
                        at++;
                        kind = GroupKind.LOOKAROUND;
                    } else {
                        at = pattern.indexOf('>', at) + 1;
                        if (at == 0) throw lost();
                    }
                }
                default -> {
                    inlineFlags();
                    if (peek() == ')') {
                        // "(?i)" sets flags for the rest of the enclosing group, so they are not restored here.
                        at++;
                        return new Sequence(List.of(), start, at);
                    }
                    expect(':');
                }
            }
        }
        RegexNode body = alternation();
        expect(')');
        flags = outerFlags;
        return new Group(kind, body, start, at);
    }

    private void inlineFlags() {
        boolean on = true;
        while (more() && peek() != ')' && peek() != ':') {
            int flag = switch (pattern.charAt(at++)) {
                case '-' -> {
                    on = false;
                    yield 0;
                }
                case 'x' -> Pattern.COMMENTS;
                case 'U' -> Pattern.UNICODE_CHARACTER_CLASS;
                case 'c' -> throw new IllegalArgumentException("regex pattern sets canonical equivalence (?c) at index " + (at - 1)
                        + ": it is not allowed, because Java rewrites every accented letter into an alternation the safety check cannot see");
                default -> 0;
            };
            flags = on ? flags | flag : flags & ~flag;
        }
    }

    /** An escape outside a class: the escapes that are not one character, else {@link #escapedChar}. */
    private RegexNode escape() {
        int start = at;
        at += 2;
        return switch (pattern.charAt(start + 1)) {
            case 'Q' -> quoted(start);
            case 'b' -> {
                if (pattern.startsWith("{g}", at)) {
                    throw new IllegalArgumentException("regex pattern uses the grapheme boundary \\b{g} at index " + start
                            + ": it is not allowed, because Java's matcher can fail on it with an index error at the end of a text");
                }
                yield new Assertion(start, at);
            }
            case 'B', 'A', 'z', 'Z', 'G' -> new Assertion(start, at);
            case 'k' -> {
                at = pattern.indexOf('>', at) + 1;
                if (at == 0) throw lost();
                yield new BackReference(start, at);
            }
            case '1', '2', '3', '4', '5', '6', '7', '8', '9' -> new BackReference(start, at);
            // A grapheme cluster: one or more code points, so a repeat of its own.
            case 'X' -> new Repeat(new Char(2, start, at), 1, Repeat.UNBOUNDED, Mode.POSSESSIVE, start, at);
            default -> {
                at = start;
                int width = escapedChar();
                yield new Char(width, start, at);
            }
        };
    }

    /**
     * {@code \Q...\E}, from just after the {@code \Q}. Java binds a quantifier after {@code \E}
     * to the last character only; the quote as a whole stands in for it here, which can only make
     * a length estimate larger.
     */
    private RegexNode quoted(int start) {
        int from = at;
        List<RegexNode> chars = new ArrayList<>();
        for (int codePoint : quotedText().codePoints().toArray()) {
            int width = Character.charCount(codePoint);
            chars.add(new Char(width, from, from + width));
            from += width;
        }
        return new Sequence(chars, start, at);
    }

    /** Consumes a quote from just after its {@code \Q} to past its {@code \E} (or the end), and returns what it quotes. */
    private String quotedText() {
        int end = pattern.indexOf("\\E", at);
        String text = pattern.substring(at, end < 0 ? pattern.length() : end);
        at = end < 0 ? pattern.length() : end + 2;
        return text;
    }

    /**
     * Consumes an escape that stands for one character of a set, in or out of a class, and returns
     * the most UTF-16 units that character can take: 2 for anything that may reach beyond the
     * Basic Multilingual Plane (a complement, a Unicode property, {@code \R}'s CR LF), else 1.
     */
    private int escapedChar() {
        at++;
        char c = pattern.charAt(at++);
        return switch (c) {
            case 'd', 'w' -> (flags & Pattern.UNICODE_CHARACTER_CLASS) != 0 ? 2 : 1;
            case 's', 'h', 'v', 't', 'n', 'r', 'f', 'a', 'e' -> 1;
            case 'D', 'W', 'S', 'H', 'V', 'R' -> 2;
            case 'p', 'P', 'N' -> {
                at = pattern.charAt(at) == '{' ? closing('}') : at + 1;
                yield 2;
            }
            case 'x' -> {
                if (pattern.charAt(at) != '{') {
                    at += 2;
                    yield 1;
                }
                int end = closing('}');
                int codePoint = Integer.parseInt(pattern, at + 1, end - 1, 16);
                at = end;
                yield Character.charCount(codePoint);
            }
            case 'u' -> {
                at += 4;
                yield 1;
            }
            case 'c' -> {
                at++;
                yield 1;
            }
            case '0' -> {
                int digits = more() && isOctal(peek()) && peek() <= '3' ? 3 : 2;
                while (digits-- > 0 && more() && isOctal(peek())) at++;
                yield 1;
            }
            default -> {
                int width = Character.charCount(pattern.codePointAt(at - 1));
                at += width - 1;
                yield width;
            }
        };
    }

    /**
     * Consumes a class, nested classes and {@code &&} included, and returns its width as in
     * {@link #escapedChar}. Ranges need no reading: a range is as wide as its wider end.
     */
    private int charClass() {
        at++;
        int width = 1;
        if (peek() == '^') {
            at++;
            width = 2; // a complement takes in the supplementary planes
        }
        if (peek() == ']') at++; // Java reads a ']' right after the '[' as a literal
        while (true) {
            skipComments();
            switch (peek()) {
                case ']' -> {
                    at++;
                    return width;
                }
                case '[' -> width = Math.max(width, charClass());
                case '\\' -> width = Math.max(width, pattern.startsWith("\\Q", at) ? quotedWidth() : escapedChar());
                default -> {
                    int codePoint = pattern.codePointAt(at);
                    at += Character.charCount(codePoint);
                    width = Math.max(width, Character.charCount(codePoint));
                }
            }
        }
    }

    private int quotedWidth() {
        at += 2;
        return quotedText().codePoints().map(Character::charCount).max().orElse(1);
    }

    /** In {@code (?x)} whitespace is ignored and {@code #} starts a comment to the end of the line, in classes too. */
    private void skipComments() {
        if ((flags & Pattern.COMMENTS) == 0) return;
        while (more()) {
            char c = peek();
            if (c == '#') {
                while (more() && "\n\r\u0085\u2028\u2029".indexOf(peek()) < 0) at++;
            } else if (" \t\n\u000B\f\r".indexOf(c) >= 0) {
                at++;
            } else {
                return;
            }
        }
    }

    private int number() {
        int start = at;
        while (more() && Character.isDigit(peek())) at++;
        if (at == start) throw lost();
        return Integer.parseInt(pattern, start, at, 10);
    }

    /** The index just past the next {@code c}. */
    private int closing(char c) {
        int end = pattern.indexOf(c, at);
        if (end < 0) throw lost();
        return end + 1;
    }

    private void expect(char c) {
        if (peek() != c) throw lost();
        at++;
    }

    private boolean more() {
        return at < pattern.length();
    }

    private char peek() {
        if (!more()) throw lost();
        return pattern.charAt(at);
    }

    private static boolean isOctal(char c) {
        return c >= '0' && c <= '7';
    }

    /** The pattern compiled, so this is a construct the parser does not know: refuse rather than guess. */
    private IllegalArgumentException lost() {
        return new IllegalArgumentException("regex pattern could not be analysed for safety near index " + at
                + ": it uses a construct the safety check does not know");
    }
}
