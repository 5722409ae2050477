package dev.quarry.guardrails;

import dev.quarry.guardrails.GuardrailSpec.Action;
import dev.quarry.guardrails.detect.Detection;

/**
 * A pattern detector's find and what the guardrail does with it in one direction.
 *
 * @param kind how it is reported in an assessment
 */
record Hit(Detection detection, Kind kind, Action action, String regex) {
    enum Kind { PII, REGEX, CUSTOM_WORD, PROFANITY }

    int start() {
        return detection.start();
    }

    int end() {
        return detection.end();
    }

    /** The same find over other characters: the part still pending of one that began in released text, or moved by an offset. */
    Hit over(int start, int end) {
        return new Hit(new Detection(detection.type(), start, end), kind, action, regex);
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
