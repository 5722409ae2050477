package dev.quarry.guardrails.pii;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Words that say what the value right after them is ("SSN", "routing number"). They count only
 * within {@code window} characters before the value and only if what lies between them and it
 * fits {@code gap}: by default anything without a digit, so that in "cvv 123, order 456" the 456
 * is not taken for a CVV.
 *
 * @param words  the words, matched case-insensitively and as whole words
 * @param window how many characters before a value are read
 * @param gap    what may come between a word and the value
 */
record ContextWords(Pattern words, int window, Pattern gap) {
    static final int WINDOW = 40;
    private static final Pattern NO_DIGIT = Pattern.compile("\\P{Nd}*");

    /**
     * Words given as regex alternatives, case-insensitive; write {@code (?-i:SIN)} for one that
     * only counts in capitals (the English word "sin" says nothing about a number).
     */
    static ContextWords of(String... words) {
        return new ContextWords(Pattern.compile("(?:" + String.join("|", words) + ")(?![\\p{L}])",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE), WINDOW, NO_DIGIT);
    }

    /** The same words, read as far back as {@code window}. */
    ContextWords within(int window) {
        return new ContextWords(words, window, gap);
    }

    /** The same words, counting only when exactly {@code gap} (a regex) separates them from the value: "age: 29", not "age ... 29". */
    ContextWords separatedBy(String gap) {
        return new ContextWords(words, window, Pattern.compile(gap, Pattern.CASE_INSENSITIVE));
    }

    /** Where the closest of these words before {@code start} ends, or -1 if none counts. */
    int nearest(CharSequence text, int start) {
        int end = lastWordEnd(text, Math.max(0, start - window), start);
        return end >= 0 && gap.matcher(text).region(end, start).matches() ? end : -1;
    }

    boolean before(CharSequence text, int start) {
        return nearest(text, start) >= 0;
    }

    /** Whether one of these words is anywhere within the window before {@code start} or after {@code end}, digits or not. */
    boolean around(CharSequence text, int start, int end) {
        return lastWordEnd(text, Math.max(0, start - window), start) >= 0
                || lastWordEnd(text, end, Math.min(text.length(), end + window)) >= 0;
    }

    /** Whether these words say more about the value at {@code start} than {@code other} does (they come closer). */
    boolean outweigh(ContextWords other, CharSequence text, int start) {
        return nearest(text, start) > other.nearest(text, start);
    }

    /**
     * The end of the last of these words in {@code [from, to)}, or -1. Every word starts with a
     * letter, so only the starts of words are tried: detectors ask for every candidate, and
     * scanning the range position by position would cost more than finding the candidates.
     */
    private int lastWordEnd(CharSequence text, int from, int to) {
        Matcher m = words.matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
        int end = -1;
        for (int i = from; i < to; i++) {
            boolean wordStart = Character.isLetter(text.charAt(i)) && (i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1)));
            if (wordStart && m.region(i, to).lookingAt()) end = Math.max(end, m.end());
        }
        return end;
    }
}
