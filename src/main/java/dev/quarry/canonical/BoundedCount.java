package dev.quarry.canonical;

import java.nio.CharBuffer;

/**
 * One request's count by a real tokenizer, bounded in CPU: its first {@value #EXACT_CHARS}
 * characters (in the order the walk meets them) are encoded exactly; the rest is the
 * four-characters estimate, scaled up (rounded up) when the exact count of the part encoded was
 * above that part's estimate, but never down: a client chooses what comes first, and a head the
 * encoding finds cheap (a run of {@code =} is a token per 64 characters to o200k_base, 64 to the
 * estimate) would otherwise discount everything after it. Encoding costs tens of microseconds a
 * kilobyte (o200k_base most), far more than the estimate; the bound keeps a 400 KB agent context
 * to a few milliseconds of the request path, while prompts up to the bound, most of them, are
 * exact. Stateful: one per request walk.
 */
final class BoundedCount implements Tokenizer {
    static final int EXACT_CHARS = 32 * 1024;
    /** How far back from the bound a cut looks for whitespace, so that no word is split between the two counts. */
    private static final int CUT_SEARCH = 64;

    private final Tokenizer exact;
    private long charsLeft = EXACT_CHARS;
    private long exactTokens;
    private long estimatedTokens;

    BoundedCount(Tokenizer exact) {
        this.exact = exact;
    }

    @Override
    public String name() {
        return exact.name();
    }

    @Override
    public int perMessage() {
        return exact.perMessage();
    }

    @Override
    public int perReply() {
        return exact.perReply();
    }

    @Override
    public long count(String text) {
        if (text.length() <= charsLeft) return encode(text);
        int cut = cut(text, (int) charsLeft);
        long head = cut == 0 ? 0 : encode(text.substring(0, cut));
        charsLeft = 0;
        return head + extrapolate(CharBuffer.wrap(text, cut, text.length()));
    }

    private long encode(String text) {
        long tokens = exact.count(text);
        exactTokens += tokens;
        estimatedTokens += TokenEstimate.of(text);
        charsLeft -= text.length();
        return tokens;
    }

    private long extrapolate(CharSequence rest) {
        long estimate = TokenEstimate.of(rest);
        if (exactTokens <= estimatedTokens) return estimate;
        return Math.ceilDiv(estimate * exactTokens, estimatedTokens);
    }

    /**
     * Where to split {@code text} near {@code limit}: before whitespace close by (a BPE word carries
     * its leading space, so the rest starts as the word it was), never inside a surrogate pair.
     */
    private static int cut(String text, int limit) {
        for (int i = limit; i > 0 && i > limit - CUT_SEARCH; i--) {
            if (Character.isWhitespace(text.charAt(i))) return i;
        }
        return limit > 0 && Character.isHighSurrogate(text.charAt(limit - 1)) ? limit - 1 : limit;
    }
}
