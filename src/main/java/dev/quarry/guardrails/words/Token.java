package dev.quarry.guardrails.words;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One word of a text: characters {@code [start, end)}, and {@code key}, the word in lower case.
 * A word is a maximal run of letters, digits and combining marks; everything else (whitespace,
 * punctuation, symbols) separates words. That one rule gives both whole-word matching ("ass" is
 * not a word of "class") and phrases that match across any punctuation ("Project-Nightjar").
 */
record Token(int start, int end, String key) {

    static List<Token> split(CharSequence text) {
        List<Token> tokens = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < text.length(); ) {
            int codePoint = Character.codePointAt(text, i);
            boolean wordChar = isWordChar(codePoint);
            if (wordChar && start < 0) start = i;
            if (!wordChar && start >= 0) {
                tokens.add(of(text, start, i));
                start = -1;
            }
            i += Character.charCount(codePoint);
        }
        if (start >= 0) tokens.add(of(text, start, text.length()));
        return tokens;
    }

    private static Token of(CharSequence text, int start, int end) {
        return new Token(start, end, text.subSequence(start, end).toString().toLowerCase(Locale.ROOT));
    }

    /** Marks count as word characters so that a decomposed "café" (e + U+0301) stays one word. */
    private static boolean isWordChar(int codePoint) {
        return Character.isLetterOrDigit(codePoint) || switch (Character.getType(codePoint)) {
            case Character.NON_SPACING_MARK, Character.COMBINING_SPACING_MARK, Character.ENCLOSING_MARK -> true;
            default -> false;
        };
    }
}
