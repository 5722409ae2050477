package dev.quarry.guardrails.pii;

import dev.quarry.guardrails.detect.Detection;
import dev.quarry.guardrails.detect.PatternDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds candidates with a regex and reports the values its judge finds in them, in order and not
 * overlapping.
 */
final class RegexDetector implements PatternDetector {

    /** Characters {@code [start, end)} of the text. */
    record Span(int start, int end) {}

    /** Decides on one candidate. */
    @FunctionalInterface
    interface Judge {
        /**
         * The value this candidate holds, or null if it holds none. It may end before the
         * candidate (a greedy run cut to the value's length) or start before it (a pattern that
         * finds the "@" of an address, because that is where an address is cheap to find).
         */
        Span value(CharSequence text, MatchResult candidate);
    }

    private final String type;
    private final Pattern pattern;
    private final int maxSpan;
    private final Judge judge;

    /** @param maxSpan the longest stretch of text one detection depends on, context included */
    RegexDetector(String type, Pattern pattern, int maxSpan, Judge judge) {
        this.type = type;
        this.pattern = pattern;
        this.maxSpan = maxSpan;
        this.judge = judge;
    }

    /** A detector that keeps or drops each candidate whole: the group named {@code v} if there is one, else the match. */
    static RegexDetector accepting(String type, Pattern pattern, int maxSpan, BiPredicate<CharSequence, MatchResult> accepts) {
        boolean valued = pattern.namedGroups().containsKey("v");
        return new RegexDetector(type, pattern, maxSpan, (text, m) -> !accepts.test(text, m) ? null
                : valued ? new Span(m.start("v"), m.end("v")) : new Span(m.start(), m.end()));
    }

    /** A detector that reports every match: the pattern is all the validation there is. */
    static RegexDetector every(String type, Pattern pattern, int maxSpan) {
        return accepting(type, pattern, maxSpan, (text, m) -> true);
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public int maxSpan() {
        return maxSpan;
    }

    @Override
    public List<Detection> find(CharSequence text) {
        List<Detection> found = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        int from = 0;
        int reported = 0;
        while (from < text.length() && m.find(from)) {
            Span value = judge.value(text, m);
            if (value == null || value.start() < reported) {
                // A rejected candidate may hide a real one starting inside it ("1 4111 1111 1111 1111").
                from = m.start() + 1;
                continue;
            }
            found.add(new Detection(type, value.start(), value.end()));
            reported = value.end();
            from = Math.max(value.end(), m.start() + 1);
        }
        return found;
    }
}
