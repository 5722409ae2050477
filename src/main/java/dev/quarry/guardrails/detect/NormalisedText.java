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
 *     Devanagari, Thai... digits alone), and every other numeral that stands for one digit
 *     (dingbat and double-circled digits, "digit four comma", parenthesised and full-stop digits)
 *     read as that digit alone: NFKC leaves some alone and spells others with punctuation
 *     ("(4)", "4."), which a reader does not see as part of a number;
 * <li>without invisible characters: format characters (Unicode category Cf: zero-width space and
 *     joiners, soft hyphen, word joiner, byte order mark, bidi controls, tags), every other
 *     Default_Ignorable_Code_Point (variation selectors, Hangul fillers, and the unassigned ones,
 *     which a font shows as nothing too), and control characters other than tab and line breaks
 *     (NEL, U+0085, is a line break);
 * <li>without combining marks on an ASCII character that NFKC could not compose into a letter
 *     ("4\u0301" reads "4"): they only decorate it;
 * <li>with space separators read as a space, line and paragraph separators as a line break, and
 *     the dashes, dots, commas and slashes of other scripts and typography as "-", ".", "," and
 *     "/" (the Arabic and ideographic full stops, commas and decimal and thousands separators).
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
    /** A character that reads as several, {@link #SPELLED}: a ligature, a squared word. */
    private static final byte SPELLS = 4;
    /** Half a surrogate pair: read through NFKC and the foldings with the other half. */
    private static final byte PAIR = 5;
    /** What each UTF-16 unit is, decided once: the reading of most text is then a table look-up a character. */
    private static final byte[] KINDS = new byte[Character.MAX_VALUE + 1];
    /** What a {@link #SINGLE} character reads as. */
    private static final char[] SINGLES = new char[Character.MAX_VALUE + 1];
    /**
     * What a {@link #SPELLS} character reads as. Worked out once rather than by NFKC on every
     * occurrence: a text of a million "\u3300" would otherwise make a few hundred bytes of garbage
     * a character.
     */
    private static final String[] SPELLED = new String[Character.MAX_VALUE + 1];

    /**
     * The most characters of the reading one character of the text may become. NFKC spells a few
     * ligatures out at length (U+FDFA is 18 characters); read as written, they cannot make a
     * 10 MB prompt a 180 MB reading.
     */
    private static final int MAX_EXPANSION = 4;
    /** The most combining marks read with one character: NFKC sorts them, which costs the square of their number. */
    private static final int MAX_MARKS = 16;
    private static final int NEXT_LINE = 0x85;

    static {
        for (int c = 0; c <= Character.MAX_VALUE; c++) classify((char) c);
    }

    private final CharSequence original;
    private final CharSequence text;
    /** Where in the original the character that gave each character of the reading starts; null when the reading is the original. */
    private final int[] from;
    private final boolean reorders;

    private NormalisedText(CharSequence original, CharSequence text, int[] from) {
        this.original = original;
        this.text = text;
        this.from = from;
        // Plain text has no bidi controls; others are looked for once for all the detectors.
        this.reorders = from != null && DisplayOrder.reorders(original);
    }

    public static NormalisedText of(CharSequence original) {
        int n = original.length();
        int plain = 0;
        while (plain < n && KINDS[original.charAt(plain)] == PLAIN) plain++;
        if (plain == n) return new NormalisedText(original, original, null);
        // A mark belongs to the character before it, which is read again with it.
        if (plain > 0 && KINDS[original.charAt(plain)] == MARK) plain--;
        // Counted first, so that the reading is allocated once at its size: growing it by
        // doubling would hold up to three times the reading of a text that expands.
        Reader counter = new Reader(original, plain, null, null);
        counter.readFrom(plain);
        char[] text = new char[counter.length];
        int[] from = new int[text.length];
        for (int i = 0; i < plain; i++) {
            text[i] = original.charAt(i);
            from[i] = i;
        }
        new Reader(original, plain, text, from).readFrom(plain);
        return new NormalisedText(original, new String(text), from);
    }

    /** The text as written. */
    public CharSequence original() {
        return original;
    }

    /** Whether the text has bidi controls that show its characters in another order than it holds them ({@link DisplayOrder}). */
    public boolean reorders() {
        return reorders;
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

    /**
     * Reads the original a character at a time: with nowhere to write, it only counts the
     * reading's characters; then it writes them and where each came from.
     */
    private static final class Reader {
        private final CharSequence original;
        private final char[] text;
        private final int[] from;
        private int length;
        /** The last character read, for the marks that follow it. */
        private char last;

        /** A reader of the original from {@code read} on, the characters before it being their own reading. */
        Reader(CharSequence original, int read, char[] text, int[] from) {
            this.original = original;
            this.text = text;
            this.from = from;
            this.length = read;
            this.last = read > 0 ? original.charAt(read - 1) : 0;
        }

        void readFrom(int start) {
            int n = original.length();
            int i = start;
            while (i < n) {
                char c = original.charAt(i);
                byte kind = KINDS[c];
                if (kind != MARK && kind != PAIR && (i + 1 == n || KINDS[original.charAt(i + 1)] != MARK)) {
                    switch (kind) {
                        case PLAIN -> append(c, i);
                        case SINGLE -> append(SINGLES[c], i);
                        case SPELLS -> appendReading(SPELLED[c], i);
                        default -> { }
                    }
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
            int digit = numeral(Character.codePointAt(original, start));
            if (digit >= 0) {
                // The marks only decorate the digit.
                append((char) digit, start);
                return;
            }
            appendReading(reading(original.subSequence(start, end).toString()), start);
        }

        private void appendReading(String reading, int origin) {
            for (int k = 0; k < reading.length(); k++) {
                char c = reading.charAt(k);
                if (isMark(c) && length > 0 && last < 0x80) continue;
                append(c, origin);
            }
        }

        private void append(char c, int origin) {
            if (text != null) {
                text[length] = c;
                from[length] = origin;
            }
            last = c;
            length++;
        }
    }

    /**
     * The reading of one character and the marks on it: NFKC, then each code point folded (a
     * ligature spelled out at length is read as written). Marks that follow an ASCII character
     * are dropped as they are read, by the reader.
     */
    private static String reading(String unit) {
        String normal = Normalizer.normalize(unit, Normalizer.Form.NFKC);
        if (normal.length() > MAX_EXPANSION * unit.length()) normal = unit;
        StringBuilder read = new StringBuilder(normal.length());
        for (int k = 0; k < normal.length(); ) {
            int cp = normal.codePointAt(k);
            k += Character.charCount(cp);
            int folded = fold(cp);
            if (folded >= 0) read.appendCodePoint(folded);
        }
        return read.toString();
    }

    /** What a code point reads as after NFKC, or -1 for one that is not read at all. */
    private static int fold(int cp) {
        if (cp < 0x80) return cp >= 0x20 && cp != 0x7F || cp >= '\t' && cp <= '\r' ? cp : -1;
        if (cp == NEXT_LINE) return '\n';
        if (invisible(cp)) return -1;
        if (Character.isDigit(cp)) return '0' + Character.digit(cp, 10);
        return switch (Character.getType(cp)) {
            case Character.SPACE_SEPARATOR -> ' ';
            case Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> '\n';
            case Character.DASH_PUNCTUATION -> '-';
            default -> switch (cp) {
                case 0x2212 -> '-';                                              // minus sign
                case 0x00B7, 0x2027, 0x2219, 0x22C5, 0x30FB, 0xFF65 -> '.';      // middle dots
                case 0x3002, 0x066B, 0x06D4 -> '.';                              // ideographic and Arabic full stops, Arabic decimal separator
                case 0x3001, 0x060C, 0x066C -> ',';                              // ideographic and Arabic commas, Arabic thousands separator
                case 0x2044, 0x2215, 0x29F8 -> '/';                              // fraction, division and big slashes
                case 0x2800 -> ' ';                                              // the blank Braille pattern shows as a space
                default -> cp;
            };
        };
    }

    /**
     * The ASCII digit a numeral that is not a decimal digit stands for (a circled, dingbat,
     * parenthesised or full-stop digit, "digit four comma", a superscript), or -1: any numeral of
     * category No whose value is a single digit.
     */
    private static int numeral(int cp) {
        if (Character.getType(cp) != Character.OTHER_NUMBER) return -1;
        int value = Character.getNumericValue(cp);
        return value >= 0 && value <= 9 ? '0' + value : -1;
    }

    /** Characters that show nothing: format and control characters and the other default-ignorable code points. */
    private static boolean invisible(int cp) {
        int type = Character.getType(cp);
        return type == Character.FORMAT || type == Character.CONTROL || defaultIgnorable(cp);
    }

    /**
     * Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt), which is what a
     * renderer shows nothing for; the unassigned ones among them (U+2065, U+FFF0-FFF8, most of
     * U+E0000-E0FFF) are not category Cf, and a renderer hides them all the same.
     */
    private static boolean defaultIgnorable(int cp) {
        return cp == 0x00AD || cp == 0x034F || cp == 0x061C || cp == 0x115F || cp == 0x1160 || cp == 0x17B4 || cp == 0x17B5
                || cp >= 0x180B && cp <= 0x180F || cp >= 0x200B && cp <= 0x200F || cp >= 0x202A && cp <= 0x202E
                || cp >= 0x2060 && cp <= 0x206F || cp == 0x3164 || cp >= 0xFE00 && cp <= 0xFE0F || cp == 0xFEFF
                || cp == 0xFFA0 || cp >= 0xFFF0 && cp <= 0xFFF8 || cp >= 0x1BCA0 && cp <= 0x1BCA3
                || cp >= 0x1D173 && cp <= 0x1D17A || cp >= 0xE0000 && cp <= 0xE0FFF;
    }

    private static boolean isMark(int cp) {
        int type = Character.getType(cp);
        return (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.COMBINING_SPACING_MARK)
                && !invisible(cp);
    }

    private static void classify(char c) {
        if (Character.isSurrogate(c)) {
            KINDS[c] = PAIR;
            return;
        }
        if (isMark(c)) {
            KINDS[c] = MARK;
            return;
        }
        int digit = numeral(c);
        String read = digit >= 0 ? String.valueOf((char) digit) : reading(String.valueOf(c));
        if (read.isEmpty()) {
            KINDS[c] = UNREAD;
        } else if (read.length() == 1 && read.charAt(0) == c) {
            KINDS[c] = PLAIN;
        } else if (read.length() == 1 && !isMark(read.charAt(0))) {
            KINDS[c] = SINGLE;
            SINGLES[c] = read.charAt(0);
        } else {
            KINDS[c] = SPELLS;
            SPELLED[c] = read;
        }
    }
}
