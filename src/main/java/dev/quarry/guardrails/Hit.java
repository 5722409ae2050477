package dev.quarry.guardrails;

import dev.quarry.guardrails.GuardrailSpec.Action;
import dev.quarry.guardrails.detect.Detection;

/**
 * A pattern detector's find and what the guardrail does with it in one direction.
 *
 * @param kind         how it is reported in an assessment
 * @param continuation whether this is a later piece of a find that runs across texts (a card
 *                     split over two messages): anonymising removes it, and the placeholder stands
 *                     in the first piece
 */
record Hit(Detection detection, Kind kind, Action action, String regex, boolean continuation) {
    enum Kind { PII, REGEX, CUSTOM_WORD, PROFANITY }

    Hit(Detection detection, Kind kind, Action action, String regex) {
        this(detection, kind, action, regex, false);
    }

    int start() {
        return detection.start();
    }

    int end() {
        return detection.end();
    }

    /** The same find over other characters: the part still pending of one that began in released text, or moved by an offset. */
    Hit over(int start, int end) {
        return piece(start, end, continuation);
    }

    /** The piece of this find over {@code [start, end)} of one of the texts it runs across. */
    Hit piece(int start, int end, boolean later) {
        return new Hit(new Detection(detection.type(), start, end), kind, action, regex, later);
    }

    /** This find where the text cannot take a placeholder: what would be anonymised is blocked. */
    Hit blocking() {
        return action == Action.ANONYMIZE ? new Hit(detection, kind, Action.BLOCK, regex, continuation) : this;
    }

    Finding finding(CharSequence text) {
        String match = detection.match(text);
        Finding.Taken taken = switch (action) {
            case BLOCK -> Finding.Taken.BLOCKED;
            case ANONYMIZE -> Finding.Taken.ANONYMIZED;
            case NONE -> Finding.Taken.NONE;
        };
        return switch (kind) {
            case PII -> new Finding.Pii(detection.type(), match, taken);
            case REGEX -> new Finding.Regex(detection.type(), match, regex, taken);
            case CUSTOM_WORD -> new Finding.Word(match, false, taken);
            case PROFANITY -> new Finding.Word(match, true, taken);
        };
    }
}
