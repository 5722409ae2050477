package dev.quarry.guardrails.pii;

import dev.quarry.guardrails.detect.Detection;
import dev.quarry.guardrails.detect.PatternDetector;
import java.util.ArrayList;
import java.util.List;

/**
 * One type found by several detectors (IPv4 and IPv6; a password after "password:" and one in a
 * URL). Where two overlap ("::ffff:192.0.2.1" is both), the one starting first and then the
 * longer is kept, so the result still does not overlap.
 */
record AnyOf(String type, List<PatternDetector> parts) implements PatternDetector {
    AnyOf {
        parts = List.copyOf(parts);
    }

    static AnyOf of(String type, PatternDetector... parts) {
        return new AnyOf(type, List.of(parts));
    }

    @Override
    public List<Detection> find(CharSequence text) {
        List<Detection> all = new ArrayList<>();
        for (PatternDetector part : parts) all.addAll(part.find(text));
        return Detection.withoutOverlaps(all);
    }

    @Override
    public int maxSpan() {
        return parts.stream().mapToInt(PatternDetector::maxSpan).max().orElse(0);
    }
}
