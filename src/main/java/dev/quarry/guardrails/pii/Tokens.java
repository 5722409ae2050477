package dev.quarry.guardrails.pii;

/** Where a value may start and end, so that no detector reports a piece of a longer token. */
final class Tokens {
    /**
     * Regex written right after a value's first character: that character starts a token (it
     * follows no letter, digit or underscore). A lookbehind before the first character would run
     * at every position of the text; after it, it runs only where a value can begin, which makes
     * a detector several times faster.
     */
    static final String STARTS = startedBefore(1);
    /** Regex: the value is not followed by a letter, digit or underscore. */
    static final String END = "(?![\\p{L}\\p{N}_])";
    /** The joiners that make "1.2.3.4" in "1.2.3.4.5" or a card number followed by "-22" part of a longer identifier. */
    static final String DOT_DASH = ".-";
    /** The longest separator within a value: " - ", or three spaces. */
    private static final int MOST_JOINERS = 3;
    private static final int WIDEST_GAP = 6;
    /**
     * Regex: what may stand between the groups of a number once a word has said what the number
     * is: a few characters that are neither letters nor digits ("\t", "--", ".  ", "_", "|", four
     * spaces); {@link #afterGap} also keeps it to one line break, a regex using it does not.
     */
    static final String GAP = "[^\\p{L}\\p{Nd}]{1," + WIDEST_GAP + "}";

    private Tokens() {}

    /**
     * Whether {@code [start, end)} is not glued to more digits by {@code joiners}: the regex
     * boundaries only see the neighbouring character, not the digit behind a dot or dash. As
     * many joiners glue as a separator inside a value may have (" - ", three spaces).
     */
    static boolean standsAlone(CharSequence text, int start, int end, String joiners) {
        return !joined(text, start - 1, -1, joiners) && !joined(text, end, 1, joiners);
    }

    /** Whether one to three joiners from {@code at} on, going {@code step}, lead to a digit. */
    private static boolean joined(CharSequence text, int at, int step, String joiners) {
        int i = at;
        int count = 0;
        while (count < MOST_JOINERS && i >= 0 && i < text.length() && joiners.indexOf(text.charAt(i)) >= 0) {
            i += step;
            count++;
        }
        return count > 0 && i >= 0 && i < text.length() && Character.isDigit(text.charAt(i));
    }

    /**
     * Regex written after a value's first {@code length} characters: the first of them starts a
     * token. For values that begin with letters, where {@link #STARTS} would still run at most
     * positions of a text: written after the characters, or after a lookahead that only a real
     * candidate passes ("two letters and then a digit"), it runs only there.
     */
    static String startedBefore(int length) {
        return "(?<![\\p{L}\\p{N}_].{" + length + "})";
    }

    /** Where the digit after a {@link #GAP} starting at {@code at} is, or -1 if no gap and digit are there. */
    static int afterGap(CharSequence text, int at) {
        int end = at;
        while (end < text.length() && end - at < WIDEST_GAP && !Character.isLetterOrDigit(text.charAt(end))) end++;
        boolean digit = end < text.length() && text.charAt(end) >= '0' && text.charAt(end) <= '9';
        return digit && isGap(text, at, end) ? end : -1;
    }

    private static boolean isGap(CharSequence text, int from, int to) {
        int lines = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (Character.isLetterOrDigit(c) || c == '\n' && ++lines > 1) return false;
        }
        return to > from && to - from <= WIDEST_GAP;
    }

    static String digits(CharSequence s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') out.append(c);
        }
        return out.toString();
    }

    /**
     * Regex for a number written in fixed groups (3-2-4 for an SSN) with a {@link #GAP} or nothing
     * between them; the separators are groups {@code sep} (the first), {@code sep2}... Which
     * separators make the number depends on whether a word names it, which the detector decides.
     */
    static String grouped(int... sizes) {
        StringBuilder regex = new StringBuilder("\\d").append(STARTS).append("\\d{").append(sizes[0] - 1).append('}');
        for (int i = 1; i < sizes.length; i++) {
            regex.append("(?<").append(separatorGroup(i)).append('>').append(GAP).append("|)\\d{").append(sizes[i]).append('}');
        }
        return regex.append(END).toString();
    }

    /** The name of the group that holds the separator before group {@code index} (1 for the first) in {@link #grouped}. */
    static String separatorGroup(int index) {
        return index == 1 ? "sep" : "sep" + index;
    }
}
