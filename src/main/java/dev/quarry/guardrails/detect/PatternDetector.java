package dev.quarry.guardrails.detect;

import java.util.List;

/**
 * Finds spans of text by their shape (and, where a shape alone is not enough, by validating what
 * it found: a checksum, a range, the words around it). Stateless and thread-safe.
 */
public interface PatternDetector {
    /** What it reports as {@link Detection#type()}. */
    String type();

    /** Every occurrence in {@code text}, in order of position, not overlapping one another. */
    List<Detection> find(CharSequence text);

    /**
     * The most characters one detection can cover, including the context it needs to see (the
     * words before a CVV, say). A stream is held back by this much, so an occurrence split across
     * chunks is still seen whole before any of it is sent.
     */
    int maxSpan();

    /**
     * Whether every find lies within one run of non-whitespace and is decided by that run and the
     * text before it (an email address, a URL). A stream then holds back only the run still being
     * written, rather than {@link #maxSpan()}, which for such a detector is long (a URL may run to
     * a thousand characters) while the words before the run are already complete.
     */
    default boolean withinOneWord() {
        return false;
    }
}
