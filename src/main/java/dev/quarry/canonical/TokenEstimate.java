package dev.quarry.canonical;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A tokenizer-free estimate of token counts, and the walk that counts a whole request's prompt
 * with any {@link Tokenizer} (a family's real one where Quarry has it, else this estimate). Used
 * where no provider count exists: budget reservations, pre-flight context-window checks,
 * count_tokens, the offline echo model. Never used to bill a real provider's call, but a
 * reservation built on it is what keeps concurrent requests inside a hard budget, so it must not
 * be fooled by the script or the shape of a prompt.
 *
 * <p>English prose runs at about four characters a token (the rule of thumb OpenAI and Anthropic
 * both publish), and so do letters here. What byte-level BPE tokenizers spend more on is counted
 * as such, rounded up (conservative), in quarter tokens:
 * <ul>
 *   <li>other scripts by what they cost: Chinese, Japanese and Korean about a token a character,
 *       Indic scripts more, emoji and other supplementary-plane characters two or more;
 *   <li>digits in groups of at most three (as current tokenizers split numbers), punctuation,
 *       symbols and control characters a token each;
 *   <li>a letter run that changes from lower to upper case starts a new token (random or base64
 *       text), and whitespace is free only where it leads into a word.
 * </ul>
 */
public final class TokenEstimate {
    private static final int TOKEN = 4;
    private static final int LETTER = 1;
    /** Latin with diacritics, Greek, Cyrillic, Armenian, Hebrew, Arabic and other alphabets below U+0800. */
    private static final int ALPHABETS = 3;
    /** Indic, Sinhala, Thai, Lao, Tibetan, Myanmar, Khmer and the like: several bytes, often split. */
    private static final int SYLLABARIES = 8;
    /** Han, kana, Hangul and full-width forms: a token a character, more for rarer ones. */
    private static final int CJK = 5;
    /** Everything else in the basic plane: symbols, punctuation, other scripts. */
    private static final int OTHER = 4;
    /** Emoji, mathematical letters and digits, rare Han: four UTF-8 bytes, two or more tokens each. */
    private static final int SUPPLEMENTARY = 8;
    /** What an image is estimated at: a large one as Anthropic counts it (about 1.15 megapixels / 750). */
    private static final long IMAGE = 1_600;

    /**
     * What a binary document (PDF, Word, Excel) is estimated at, since its bytes are not text: a
     * page as Anthropic counts a PDF page at most (3,000 tokens, text and page image), a page per
     * 50 KB begun, or for a PDF each page object in plain sight if there are more: a text PDF
     * takes a few KB a page, so by bytes alone a 100-page report of 500 KB would pass for 10
     * pages, and reserve a tenth of what it costs. Text documents are counted as their text.
     */
    private static final long DOCUMENT_PAGE = 3_000;
    private static final long DOCUMENT_PAGE_BYTES = 50_000;
    /** How much of a PDF's base64 is decoded at a time to count its pages: whole groups of four characters. */
    private static final int PDF_CHUNK_CHARS = 64 * 1024;

    private TokenEstimate() {}

    public static long of(CharSequence text) {
        return (quarters(text) + 3) / 4;
    }

    /** Adds up text that arrives in pieces (a stream's deltas) as if it had come whole, to within a token per piece. */
    public static final class Tally {
        private long quarters;

        public void add(CharSequence text) {
            quarters += TokenEstimate.quarters(text);
        }

        public long tokens() {
            return (quarters + 3) / 4;
        }
    }

    private static long quarters(CharSequence text) {
        long quarters = 0;
        int length = text.length();
        int digitRun = 0;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            digitRun = c >= '0' && c <= '9' ? digitRun + 1 : 0;
            if (c < 0x80) {
                quarters += ascii(text, i, digitRun);
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                quarters += SUPPLEMENTARY;
                i++;
            } else {
                quarters += weight(c);
            }
        }
        return quarters;
    }

    private static int ascii(CharSequence text, int i, int digitRun) {
        char c = text.charAt(i);
        if (isLetter(c)) {
            boolean caseTurn = i > 0 && Character.isUpperCase(c) && isLetter(text.charAt(i - 1)) && Character.isLowerCase(text.charAt(i - 1));
            return caseTurn ? TOKEN : LETTER;
        }
        if (c >= '0' && c <= '9') return digitRun % 3 == 1 ? TOKEN : 0;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            // Unknown at the end of a piece (a stream's delta): what comes next usually starts a word.
            if (i + 1 == text.length()) return LETTER;
            char next = text.charAt(i + 1);
            return isLetter(next) || Character.isWhitespace(next) ? LETTER : TOKEN;
        }
        return TOKEN;
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static int weight(char c) {
        if (c < 0x0800) return ALPHABETS;
        if (c < 0x1100 || (c >= 0x1780 && c < 0x1800)) return SYLLABARIES;
        if ((c >= 0x1100 && c < 0x1200) || (c >= 0x2E80 && c < 0xA000) || (c >= 0xAC00 && c < 0xD7B0)
                || (c >= 0xF900 && c < 0xFB00) || (c >= 0xFF00 && c < 0xFFF0)) return CJK;
        return OTHER;
    }

    /** Estimated prompt tokens of a request, by the tokenizer-free rule. */
    public static long of(ChatRequest request) {
        return of(request, Tokenizer.ESTIMATE);
    }

    /**
     * Prompt tokens of a request as {@code tokenizer} counts them: system, messages, tool definitions
     * (a function's JSON schema and a custom tool's format by their serialized text) and
     * provider-specific fields (schemas...), with the tokenizer's framing for each message and the reply.
     * A real tokenizer encodes the first {@value BoundedCount#EXACT_CHARS} characters and extrapolates
     * the rest ({@link BoundedCount}).
     */
    public static long of(ChatRequest request, Tokenizer given) {
        Tokenizer tokenizer = given == Tokenizer.ESTIMATE ? given : new BoundedCount(given);
        long total = tokenizer.perReply();
        if (!request.systemText().isEmpty()) total += tokenizer.perMessage() + tokenizer.count(request.systemText());
        for (Message message : request.messages()) {
            total += tokenizer.perMessage();
            for (ContentBlock block : message.content()) total += of(block, tokenizer);
        }
        for (ToolSpec tool : request.tools()) {
            total += tokenizer.count(tool.name()) + tokenizer.count(nullToEmpty(tool.description()))
                    + tokenizer.count(nullToEmpty(tool.inputSchema())) + tokenizer.count(nullToEmpty(tool.format()));
        }
        for (var extension : request.extensions().entrySet()) {
            total += tokenizer.count(extension.getKey()) + ofValue(extension.getValue(), tokenizer);
        }
        return total;
    }

    /** A JSON-like value as plain Java values: its keys, strings and a token per other value. */
    private static long ofValue(Object value, Tokenizer tokenizer) {
        return switch (value) {
            case null -> 0;
            case CharSequence text -> 1 + tokenizer.count(text.toString());
            case java.util.Map<?, ?> map -> {
                long total = 1;
                for (var entry : map.entrySet()) total += 1 + tokenizer.count(String.valueOf(entry.getKey())) + ofValue(entry.getValue(), tokenizer);
                yield total;
            }
            case Iterable<?> list -> {
                long total = 1;
                for (Object item : list) total += ofValue(item, tokenizer);
                yield total;
            }
            default -> 1;
        };
    }

    /** Text by the tokenizer; an image at its fixed estimate, as no tokenizer here sees pixels. */
    private static long of(ContentBlock block, Tokenizer tokenizer) {
        return switch (block) {
            case ContentBlock.Text t -> tokenizer.count(t.text());
            case ContentBlock.ToolUse u -> tokenizer.count(u.name()) + tokenizer.count(u.input());
            case ContentBlock.ToolResult r -> tokenizer.count(r.text());
            case ContentBlock.Reasoning r -> tokenizer.count(r.text());
            case ContentBlock.Image i -> IMAGE;
            case ContentBlock.Document d -> d.type().text() ? tokenizer.count(d.text()) : DOCUMENT_PAGE * pages(d);
            case ContentBlock.CachePoint c -> 0;
        };
    }

    private static long pages(ContentBlock.Document document) {
        return pages(document, countedPages(document));
    }

    /** The pages a binary document is estimated at, given its {@link #countedPages counted} ones. */
    private static long pages(ContentBlock.Document document, long counted) {
        return Math.max(counted, 1 + (document.size() - 1) / DOCUMENT_PAGE_BYTES);
    }

    /** Decodes all of a PDF's base64 (a chunk at a time) to count its page objects: call it once per document and pass the result on. */
    private static long countedPages(ContentBlock.Document document) {
        return document.type() == DocumentType.PDF ? pdfPageObjects(document.base64()) : 0;
    }

    /**
     * What the estimate adds for binary documents beyond their pages as counted (at least one each):
     * the floor that keeps budgets from being fooled by a PDF whose pages cannot be counted. Whether
     * a prompt fits a context window is judged without it: a large one-page scan is not a thousand
     * pages, and an upstream that finds a prompt too long says so (and the router falls back).
     */
    public static long documentFloor(ChatRequest request) {
        long floor = 0;
        for (Message message : request.messages()) {
            for (ContentBlock block : message.content()) {
                if (block instanceof ContentBlock.Document d && !d.type().text()) {
                    long counted = countedPages(d);
                    floor += DOCUMENT_PAGE * (pages(d, counted) - Math.max(1, counted));
                }
            }
        }
        return floor;
    }

    /**
     * The objects of type {@code /Page} in a PDF ({@code /Type /Page}, not {@code /Pages}), given as
     * base64; none when they are packed into compressed object streams, which is why bytes still
     * bound the estimate from below. Decoded a chunk at a time, so a document of many megabytes is
     * never held decoded whole.
     */
    private static long pdfPageObjects(String base64) {
        PageObjects scan = new PageObjects();
        Base64.Decoder decoder = Base64.getDecoder();
        // Whole groups of four characters decode alone; only the last may be padded or short.
        for (int from = 0; from < base64.length(); from += PDF_CHUNK_CHARS) {
            for (byte b : decoder.decode(base64.substring(from, Math.min(base64.length(), from + PDF_CHUNK_CHARS)))) scan.next(b);
        }
        return scan.end();
    }

    /**
     * Counts {@code /Type}, PDF whitespace, {@code /Page} and the end of the name (a delimiter,
     * whitespace or the end of the bytes), a byte at a time.
     */
    private static final class PageObjects {
        private static final byte[] TYPE = "/Type".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] PAGE = "/Page".getBytes(StandardCharsets.US_ASCII);
        private long count;
        /** How much of {@code /Type} the last bytes matched. */
        private int type;
        /** After a whole {@code /Type}: -1 not, 0 in the whitespace, else how much of {@code /Page} matched. */
        private int page = -1;

        void next(byte b) {
            if (page == PAGE.length) {
                if (endsName(b)) count++;
                page = -1;
            } else if (page > 0) {
                if (b == PAGE[page]) {
                    page++;
                    return;
                }
                // "/" then "T" may begin a "/Type" after all; "/P", "/Pa" and "/Pag" cannot.
                boolean typeAfterSlash = page == 1 && b == TYPE[1];
                page = -1;
                if (typeAfterSlash) {
                    type = 2;
                    return;
                }
            } else if (page == 0) {
                if (pdfWhitespace(b)) return;
                page = -1;
                if (b == '/') {
                    page = 1;
                    return;
                }
            }
            type = b == TYPE[type] ? type + 1 : b == '/' ? 1 : 0;
            if (type == TYPE.length) {
                type = 0;
                page = 0;
            }
        }

        long end() {
            return page == PAGE.length ? count + 1 : count;
        }
    }

    private static boolean pdfWhitespace(byte b) {
        return b == 0 || b == '\t' || b == '\n' || b == '\f' || b == '\r' || b == ' ';
    }

    private static boolean endsName(byte b) {
        return pdfWhitespace(b) || "()<>[]{}/%".indexOf(b) >= 0;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
