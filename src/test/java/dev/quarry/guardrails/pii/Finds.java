package dev.quarry.guardrails.pii;

import dev.quarry.guardrails.detect.Detection;
import java.util.List;

/** What a detector reports, as the matched text, so a test reads like the input it checks. */
final class Finds {
    private Finds() {}

    static List<String> in(String type, String text) {
        return PiiDetectors.forType(type).find(text).stream().map(d -> d.match(text)).toList();
    }

    static List<Detection> spans(String type, String text) {
        return PiiDetectors.forType(type).find(text);
    }
}
