package dev.quarry.store;

import java.nio.charset.StandardCharsets;

/**
 * Makes text that came from a client fit a store column, so that no value can fail an insert:
 * control characters (NUL above all, which PostgreSQL refuses in text) and unpaired surrogates
 * (which no UTF-8 store can hold) become U+FFFD, and text longer than the column is cut and
 * marked with '…' and its original length. The bound is in UTF-8 bytes, which is never more
 * characters than a {@code VARCHAR(n)} holds, and bounds what a row costs on disk. Text that
 * already fits comes back unchanged, so fitting is idempotent.
 */
public final class StoredText {
    private static final char REPLACEMENT = '\uFFFD';

    private StoredText() {}

    /** {@code value} made storable in at most {@code maxBytes} UTF-8 bytes; {@code null} stays {@code null}. */
    public static String fit(String value, int maxBytes) {
        if (value == null) return null;
        // Every character takes at least one byte: nothing past the first maxBytes + 1 can be kept.
        String clean = clean(value.length() > maxBytes + 1 ? value.substring(0, maxBytes + 1) : value);
        if (prefixWithin(clean, maxBytes) == clean.length()) return clean;
        String marker = "…(" + value.length() + " chars)";
        int markerBytes = marker.getBytes(StandardCharsets.UTF_8).length;
        if (markerBytes >= maxBytes) return clean.substring(0, prefixWithin(clean, maxBytes));
        return clean.substring(0, prefixWithin(clean, maxBytes - markerBytes)) + marker;
    }

    private static String clean(String value) {
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
            boolean bad = !pair && (Character.isISOControl(c) || Character.isSurrogate(c));
            if (bad && out == null) out = new StringBuilder(value.length()).append(value, 0, i);
            if (out != null) {
                if (bad) out.append(REPLACEMENT);
                else if (pair) out.append(c).append(value.charAt(i + 1));
                else out.append(c);
            }
            if (pair) i++;
        }
        return out == null ? value : out.toString();
    }

    /** The length, in chars, of the longest prefix of at most {@code maxBytes} UTF-8 bytes that splits no surrogate pair. */
    private static int prefixWithin(String s, int maxBytes) {
        int bytes = 0, i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > maxBytes) break;
            bytes += size;
            i += Character.charCount(cp);
        }
        return i;
    }
}
