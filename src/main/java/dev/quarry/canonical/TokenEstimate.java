package dev.quarry.canonical;

/**
 * A tokenizer-free estimate of token counts. Used where no provider count exists: budget
 * reservations, pre-flight context-window checks, the offline echo model. Never used to bill a real
 * provider's call, but a reservation built on it is what keeps concurrent requests inside a hard
 * budget, so it must not be fooled by the script a prompt is written in.
 *
 * <p>English runs at about four characters a token (the rule of thumb OpenAI and Anthropic both
 * publish), but byte-level BPE tokenizers spend far more on other scripts: Chinese, Japanese and
 * Korean about a token a character, Indic scripts more, emoji and other supplementary-plane
 * characters two or more. Each code point therefore weighs what its script costs in the
 * tokenizers Quarry routes to, rounded up (conservative): the weights below are in quarter tokens.
 */
public final class TokenEstimate {
    private static final int ASCII = 1;
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

    private TokenEstimate() {}

    public static long of(CharSequence text) {
        return (quarters(text) + 3) / 4;
    }

    /** Adds up text that arrives in pieces (a stream's deltas) as if it had come whole. */
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
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                quarters += ASCII;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                quarters += SUPPLEMENTARY;
                i++;
            } else {
                quarters += weight(c);
            }
        }
        return quarters;
    }

    private static int weight(char c) {
        if (c < 0x0800) return ALPHABETS;
        if (c < 0x1100 || (c >= 0x1780 && c < 0x1800)) return SYLLABARIES;
        if ((c >= 0x1100 && c < 0x1200) || (c >= 0x2E80 && c < 0xA000) || (c >= 0xAC00 && c < 0xD7B0)
                || (c >= 0xF900 && c < 0xFB00) || (c >= 0xFF00 && c < 0xFFF0)) return CJK;
        return OTHER;
    }

    /** The estimate for {@code chars} characters of text whose script is not known: English's rate. */
    public static long ofLength(long chars) {
        return chars <= 0 ? 0 : (chars + 3) / 4;
    }

    /** Estimated prompt tokens of a request: system, messages, and tool definitions. */
    public static long of(ChatRequest request) {
        long total = of(request.systemText());
        for (Message message : request.messages()) {
            total += 4; // per-message framing, as chat templates add role markers
            for (ContentBlock block : message.content()) total += of(block);
        }
        for (ToolSpec tool : request.tools()) {
            total += of(tool.name()) + of(nullToEmpty(tool.description())) + of(nullToEmpty(tool.inputSchema()));
        }
        return total;
    }

    private static long of(ContentBlock block) {
        return switch (block) {
            case ContentBlock.Text t -> of(t.text());
            case ContentBlock.ToolUse u -> of(u.name()) + of(u.input());
            case ContentBlock.ToolResult r -> of(r.text());
            case ContentBlock.Reasoning r -> of(r.text());
            case ContentBlock.Image i -> 85; // OpenAI's flat charge for a low-detail image
            case ContentBlock.CachePoint c -> 0;
        };
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
