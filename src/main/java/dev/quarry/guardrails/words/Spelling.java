package dev.quarry.guardrails.words;

import dev.quarry.guardrails.detect.Leetspeak;
import java.util.ArrayList;
import java.util.List;

/** How a word of the text may be spelled and still count as a word of the list. */
enum Spelling {
    /** As listed, in any case. Right for custom words: a code name such as "R2D2" means what it says. */
    EXACT {
        @Override
        List<String> readings(String key) {
            return List.of(key);
        }

        @Override
        int longestToken(int listedLength) {
            return listedLength;
        }
    },

    /**
     * Also through the two disguises that are common and unambiguous: digits for letters ("sh1t",
     * "a55hole") and drawn-out letters ("fuuuuck"). Symbols for letters ("sh!t", "a$$") are not
     * read: "!", "$", "@" and "*" separate words, or e-mail addresses and prices would run into
     * the words beside them.
     */
    DISGUISED {
        @Override
        List<String> readings(String key) {
            String plain = hasLetterAndDigit(key) && key.length() >= MIN_LEET_LENGTH ? Leetspeak.undo(key) : key;
            List<String> readings = new ArrayList<>(List.of(plain));
            if (plain.length() <= MAX_DRAWN_OUT_LENGTH && hasTripleLetter(plain)) readings.addAll(shortenings(plain));
            return readings;
        }

        @Override
        int longestToken(int listedLength) {
            return Math.max(listedLength, MAX_DRAWN_OUT_LENGTH);
        }
    };

    /** Shorter words with digits are as often model numbers ("A55") as disguised profanity. */
    private static final int MIN_LEET_LENGTH = 4;
    /** Past this a run of letters is read as written; it bounds {@link #longestToken}, hence the stream hold-back. */
    private static final int MAX_DRAWN_OUT_LENGTH = 40;
    /** Each doubled run doubles the shortenings tried; a word with more runs than this is read as written. */
    private static final int MAX_REPEATED_RUNS = 5;

    /** The ways a word of the text may be read, in lower case, most literal first. */
    abstract List<String> readings(String key);

    /** The most characters a word of the text can have and still be read as a listed word of {@code listedLength}. */
    abstract int longestToken(int listedLength);

    private static boolean hasLetterAndDigit(String key) {
        return key.chars().anyMatch(Character::isLetter) && key.chars().anyMatch(Character::isDigit);
    }

    /** No English word has a letter three times in a row, so a run of three is a drawn-out word. */
    private static boolean hasTripleLetter(String key) {
        for (int i = 2; i < key.length(); i++) {
            if (key.charAt(i) == key.charAt(i - 1) && key.charAt(i) == key.charAt(i - 2) && Character.isLetter(key.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The word with each run of a repeated letter cut to one or to two ("fuuuck" → "fuck", "fuuck";
     * "asssss" → "as", "ass"): English doubles letters but never triples them, so one of these is
     * the word as listed.
     */
    private static List<String> shortenings(String key) {
        List<String> words = new ArrayList<>(List.of(""));
        int runs = 0;
        for (int i = 0; i < key.length(); ) {
            int end = i;
            while (end < key.length() && key.charAt(end) == key.charAt(i)) end++;
            boolean repeated = end - i >= 2;
            if (repeated && ++runs > MAX_REPEATED_RUNS) return List.of();
            String one = key.substring(i, i + 1);
            List<String> longer = new ArrayList<>();
            for (String w : words) {
                longer.add(w + one);
                if (repeated) longer.add(w + one + one);
            }
            words = longer;
            i = end;
        }
        return words;
    }
}
