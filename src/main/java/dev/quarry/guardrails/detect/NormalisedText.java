package dev.quarry.guardrails.detect;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A text as a person reads it, which is what the PII detectors look at. A card number written in
 * full-width or Arabic-Indic digits, with a zero-width space or a soft hyphen between two digits,
 * or a no-break space or an en dash between the groups, and an e-mail address with a full-width
 * "@", show a reader the same value as the plain ASCII form, so the detectors must see that form.
 * The reading is the text
 * <ul>
 * <li>in NFKC: compatibility forms read as their plain ones (full-width letters and punctuation,
 *     mathematical and circled digits, ligatures);
 * <li>with every decimal digit of any script read as its ASCII digit (NFKC leaves Arabic-Indic,
 *     Devanagari, Thai... digits alone);
 * <li>without invisible characters: format characters (Unicode category Cf: zero-width space and
 *     joiners, soft hyphen, word joiner, byte order mark, bidi controls, tags), the other
 *     default-ignorable ones (variation selectors, Hangul fillers), and control characters other
 *     than tab and line breaks;
 * <li>without combining marks on an ASCII character that NFKC could not compose into a letter
 *     ("4\u0301" reads "4"): they only decorate it;
 * <li>with space separators read as a space, line and paragraph separators as a line break, and
 *     the dashes, dots and slashes of other scripts and typography as "-", "." and "/".
 * </ul>
 * Each character of the reading knows which characters of the text it came from, so a find in
 * the reading is reported on the text as written, the invisible characters inside it included:
 * a placeholder replaces exactly what was sent. A text whose every character reads as itself
 * (plain ASCII, most prose in any script) is its own reading and costs one pass over it.
 */
public final class NormalisedText {
    /** A character that reads as itself and is not a combining mark. */
    private static final byte PLAIN = 0;
    /** A character that reads as one other character, {@link #SINGLES}: a full-width digit, a no-break space. */
    private static final byte SINGLE = 1;
    /** A character that is not read at all: an invisible one. */
    private static final byte UNREAD = 2;
    /** A combining mark: it belongs with the character before it. */
    private static final byte MARK = 3;
    /** Anything else (half a surrogate pair, a character NFKC spells out in several): read through NFKC and the foldings. */
    private static final byte OTHER = 4;
    /** What each UTF-16 unit is, decided once: the reading of most text is then a table look-up a character. */
    private static final byte[] KINDS = new byte[Character.MAX_VALUE + 1];
    /** What a {@link #SINGLE} character reads as. */
    private static final char[] SINGLES = new char[Character.MAX_VALUE + 1];

    /**
     * The most characters of the reading one character of the text may become. NFKC spells a few
     * ligatures out at length (U+FDFA is 18 characters); read as written, they cannot make a
     * 10 MB prompt a 180 MB reading.
     */
    private static final int MAX_EXPANSION = 4;
    /** The most combining marks read with one character: NFKC sorts them, which costs the square of their number. */
    private static final int MAX_MARKS = 16;

    static {
        for (int c = 0; c <= Character.MAX_VALUE; c++) classify((char) c);
    }

    private final CharSequence original;
    private final CharSequence text;
    /**
     * Where in the original the character that gave each character of the reading starts (as
     * many entries as the reading has characters, the rest unused); null when the reading is the original.
     */
    private final int[] from;

    private NormalisedText(CharSequence original, CharSequence text, int[] from) {
        this.original = original;
        this.text = text;
        this.from = from;
    }

    public static NormalisedText of(CharSequence original) {
        int n = original.length();
        int plain = 0;
        while (plain < n && KINDS[original.charAt(plain)] == PLAIN) plain++;
        if (plain == n) return new NormalisedText(original, original, null);
        // A mark belongs to the character before it, which is read again with it.
        if (plain > 0 && KINDS[original.charAt(plain)] == MARK) plain--;
        Reader reader = new Reader(original, plain);
        reader.readFrom(plain);
        return new NormalisedText(original, reader.text.toString(), reader.from);
    }

    /** The text as written. */
    public CharSequence original() {
        return original;
    }

    /** The reading. */
    public CharSequence text() {
        return text;
    }

    /**
     * Finds in the reading, as finds in the original: from the first character that gave the
     * find's first character to the last that gave its last (and any invisible ones right after).
     */
    public List<Detection> toOriginal(List<Detection> found) {
        if (from == null || found.isEmpty()) return found;
        List<Detection> mapped = new ArrayList<>(found.size());
        for (Detection d : found) mapped.add(new Detection(d.type(), from[d.start()], originalEnd(d.end())));
        return mapped;
    }

    /**
     * The place in the original that a place in the reading (a character index, or the reading's
     * length for its end) stands for: everything of the original before it gave the reading
     * before it. Where a stream may be released up to.
     */
    public int originalIndex(int index) {
        if (from == null) return index;
        return index < text.length() ? from[index] : original.length();
    }

    /** Where in the original the character that gave reading character {@code end - 1} ends. */
    private int originalEnd(int end) {
        int start = from[end - 1];
        for (int i = end; i < text.length(); i++) {
            if (from[i] != start) return from[i];
        }
        return original.length();
    }

    /** Builds a reading a character of the original at a time, with where each character came from. */
    private static final class Reader {
        private final CharSequence original;
        private final StringBuilder text;
        private int[] from;

        Reader(CharSequence original, int plainPrefix) {
            this.original = original;
            this.text = new StringBuilder(original.length() + 16);
            this.from = new int[original.length() + 16];
            text.append(original, 0, plainPrefix);
            for (int i = 0; i < plainPrefix; i++) from[i] = i;
        }

        void readFrom(int start) {
            int n = original.length();
            int i = start;
            while (i < n) {
                char c = original.charAt(i);
                byte kind = KINDS[c];
                if (kind <= UNREAD && (i + 1 == n || KINDS[original.charAt(i + 1)] != MARK)) {
                    if (kind == PLAIN) append(c, i);
                    else if (kind == SINGLE) append(SINGLES[c], i);
                    i++;
                    continue;
                }
                int end = i + Character.charCount(Character.codePointAt(original, i));
                for (int marks = 0; marks < MAX_MARKS && end < n && isMark(Character.codePointAt(original, end)); marks++) {
                    end += Character.charCount(Character.codePointAt(original, end));
                }
                readUnit(i, end);
                i = end;
            }
        }

        /** Reads one character of the original with the marks on it, characters {@code [start, end)}. */
        private void readUnit(int start, int end) {
            String unit = original.subSequence(start, end).toString();
            String normal = Normalizer.normalize(unit, Normalizer.Form.NFKC);
            if (normal.length() > MAX_EXPANSION * unit.length()) normal = unit;
            for (int k = 0; k < normal.length(); ) {
                int cp = normal.codePointAt(k);
                k += Character.charCount(cp);
                int read = fold(cp);
                if (read < 0) continue;
                if (isMark(read) && !text.isEmpty() && text.charAt(text.length() - 1) < 0x80) continue;
                if (Character.isBmpCodePoint(read)) {
                    append((char) read, start);
                } else {
                    append(Character.highSurrogate(read), start);
                    append(Character.lowSurrogate(read), start);
                }
            }
        }

        private void append(char c, int origin) {
            if (text.length() == from.length) from = Arrays.copyOf(from, from.length * 2);
            from[text.length()] = origin;
            text.append(c);
        }
    }

    /** What a code point reads as after NFKC, or -1 for one that is not read at all. */
    private static int fold(int cp) {
        if (cp < 0x80) return cp >= 0x20 && cp != 0x7F || cp >= '\t' && cp <= '\r' ? cp : -1;
        if (invisible(cp)) return -1;
        if (Character.isDigit(cp)) return '0' + Character.digit(cp, 10);
        return switch (Character.getType(cp)) {
            case Character.SPACE_SEPARATOR -> ' ';
            case Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> '\n';
            case Character.DASH_PUNCTUATION -> '-';
            default -> switch (cp) {
                case 0x2212 -> '-';                                              // minus sign
                case 0x00B7, 0x2027, 0x2219, 0x22C5, 0x30FB, 0xFF65 -> '.';      // middle dots
                case 0x2044, 0x2215, 0x29F8 -> '/';                              // fraction, division and big slashes
                case 0x2800 -> ' ';                                              // the blank Braille pattern shows as a space
                default -> cp;
            };
        };
    }

    /** Characters that show nothing: format and control characters and the other default-ignorable code points. */
    private static boolean invisible(int cp) {
        int type = Character.getType(cp);
        return type == Character.FORMAT || type == Character.CONTROL
                || cp == 0x034F || cp == 0x115F || cp == 0x1160 || cp == 0x17B4 || cp == 0x17B5
                || cp >= 0x180B && cp <= 0x180F || cp == 0x3164 || cp >= 0xFE00 && cp <= 0xFE0F || cp == 0xFFA0
                || cp >= 0xE0100 && cp <= 0xE01EF;
    }

    private static boolean isMark(int cp) {
        int type = Character.getType(cp);
        return (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.COMBINING_SPACING_MARK)
                && !invisible(cp);
    }

    private static void classify(char c) {
        if (Character.isSurrogate(c)) {
            KINDS[c] = OTHER;
        } else if (isMark(c)) {
            KINDS[c] = MARK;
        } else {
            String normal = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFKC);
            int read = normal.length() == 1 ? fold(normal.charAt(0)) : -2;
            if (read == c) KINDS[c] = PLAIN;
            else if (read == -1) KINDS[c] = UNREAD;
            else if (read >= 0 && read <= Character.MAX_VALUE && !isMark(read)) {
                KINDS[c] = SINGLE;
                SINGLES[c] = (char) read;
            } else {
                KINDS[c] = OTHER;
            }
        }
    }
}
