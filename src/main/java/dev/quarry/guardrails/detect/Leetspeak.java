package dev.quarry.guardrails.detect;

/**
 * Digits written for the letters they look like ("sh1t", "1gn0re"), the commonest disguise of a
 * banned word or an attack phrase; word filters and the prompt-attack filter both undo it.
 */
public final class Leetspeak {
    private Leetspeak() {}

    /** The text with 0, 1, 3, 4, 5 and 7 read as o, i, e, a, s and t. */
    public static String undo(String text) {
        StringBuilder plain = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            plain.append(switch (c) {
                case '0' -> 'o';
                case '1' -> 'i';
                case '3' -> 'e';
                case '4' -> 'a';
                case '5' -> 's';
                case '7' -> 't';
                default -> c;
            });
        }
        return plain.toString();
    }
}
