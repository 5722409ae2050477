package dev.quarry.guardrails.detect;

import java.util.List;

/**
 * A detector that reads the {@link NormalisedText} of a text: the wrapped detector sees the text
 * as a person reads it (any script's digits as ASCII, no invisible characters, full-width forms
 * and typographic spaces and dashes plainly), its finds and hold-back are mapped back to the
 * characters as written, and its span is counted in characters of the reading. A text with bidi
 * controls is also read in the order it is shown ({@link DisplayOrder}).
 */
public record NormalisingDetector(PatternDetector detector) implements PatternDetector {
    @Override
    public String type() {
        return detector.type();
    }

    @Override
    public int maxSpan() {
        return detector.maxSpan();
    }

    @Override
    public List<Detection> find(CharSequence text) {
        return find(NormalisedText.of(text));
    }

    @Override
    public List<Detection> find(NormalisedText text) {
        List<Detection> found = findInOrder(text);
        return text.reorders() ? DisplayOrder.withShownFinds(this::findInOrder, text.original(), found) : found;
    }

    /** The finds in the text in the order it holds its characters. */
    private List<Detection> findInOrder(NormalisedText text) {
        return text.toOriginal(detector.findInReading(text));
    }

    @Override
    public int holdFrom(CharSequence text) {
        return holdFrom(NormalisedText.of(text));
    }

    @Override
    public int holdFrom(NormalisedText text) {
        return text.originalIndex(detector.holdFrom(text.text()));
    }
}
