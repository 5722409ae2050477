package dev.quarry.canonical;

/**
 * Checks that text is base64 without decoding it: image data and opaque tokens can be large, and
 * the check runs on every request that carries them.
 */
public final class Base64Text {
    /**
     * The longest opaque token accepted (a reasoning signature, redacted or encrypted reasoning):
     * a million characters, far above what a provider hands out for one turn (signatures are a few
     * hundred characters, encrypted reasoning tens of thousands), and small enough that reading it
     * costs the guard little.
     */
    public static final int MAX_TOKEN_LENGTH = 1_000_000;

    private Base64Text() {}

    /** Standard base64 ({@code A–Z a–z 0–9 + /}), non-empty, with its padding optional, as decoders accept it. */
    public static boolean isBase64(CharSequence text) {
        int end = unpadded(text);
        // Padding, when present, completes the last group of four; one character alone is no byte.
        if (end == 0 || end % 4 == 1 || (end < text.length() && text.length() % 4 != 0)) return false;
        return inAlphabet(text, end, false);
    }

    /** The number of bytes well-formed base64 text ({@link #isBase64}) decodes to, without decoding it. */
    public static long decodedLength(CharSequence text) {
        int end = unpadded(text);
        return end / 4 * 3L + Math.max(0, end % 4 - 1);
    }

    /**
     * An opaque token a provider handed out and wants back verbatim: base64 in either alphabet
     * (standard or URL-safe), padded or not, possibly empty, at most {@link #MAX_TOKEN_LENGTH}
     * characters. Nothing else can be one, so checking the shape keeps free text out of a field
     * whose content only the provider can read.
     *
     * @throws QuarryException 400 naming {@code field} otherwise
     */
    public static String requireToken(String value, String field) {
        if (value.length() > MAX_TOKEN_LENGTH) {
            throw QuarryException.invalid(field, "'" + field + "' is " + value.length() + " characters long; at most " + MAX_TOKEN_LENGTH
                    + " are accepted.");
        }
        if (!inAlphabet(value, unpadded(value), true)) {
            throw QuarryException.invalid(field, "'" + field + "' must be the opaque base64 value the provider returned, unchanged.");
        }
        return value;
    }

    private static int unpadded(CharSequence text) {
        int end = text.length();
        for (int pad = 0; pad < 2 && end > 0 && text.charAt(end - 1) == '='; pad++) end--;
        return end;
    }

    private static boolean inAlphabet(CharSequence text, int end, boolean urlSafeToo) {
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            boolean standard = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/';
            if (!standard && !(urlSafeToo && (c == '-' || c == '_'))) return false;
        }
        return true;
    }
}
