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
     * The earliest place in {@code text} at which a find not yet complete could start: a stream
     * may release everything before it. At worst {@link #maxSpan()} from the end; a detector that
     * knows more about how its finds begin (a digit, a word without spaces) holds back less.
     */
    default int holdFrom(CharSequence text) {
        return Math.max(0, text.length() - maxSpan());
    }

    /**
     * {@link #find(CharSequence)} for a text whose {@link NormalisedText reading} is at hand, so
     * that many detectors share one. Finds are on the original's characters. A detector of
     * characters as written (a custom regex) reads the original; the PII detectors and word lists
     * read the reading ({@link NormalisingDetector}).
     */
    default List<Detection> find(NormalisedText text) {
        return find(text.original());
    }

    /**
     * The finds in the reading of {@code text}, on the reading's characters: what a detector
     * wrapped in a {@link NormalisingDetector} is asked. Most read the reading alone; one to which
     * how a character was written matters (a no-break space is a thousands separator) also looks
     * at the original.
     */
    default List<Detection> findInReading(NormalisedText text) {
        return find(text.text());
    }

    /** {@link #holdFrom(CharSequence)} for a text whose reading is at hand: a place in the original. */
    default int holdFrom(NormalisedText text) {
        return holdFrom(text.original());
    }
}
