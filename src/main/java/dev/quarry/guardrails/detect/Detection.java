package dev.quarry.guardrails.detect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One occurrence a pattern detector found: characters {@code [start, end)} of the text it read.
 *
 * @param type what was found: a PII entity type ({@code EMAIL}), a custom regex's name, or a word
 *             list ({@code CUSTOM}, {@code PROFANITY})
 */
public record Detection(String type, int start, int end) {
    public Detection {
        if (start < 0 || end <= start) throw new IllegalArgumentException("empty or negative span " + start + ".." + end);
    }

    public String match(CharSequence text) {
        return text.subSequence(start, end).toString();
    }

    /**
     * Finds of one text made different ways, in order and not overlapping: where two overlap, the
     * one starting first and then the longer is kept.
     */
    public static List<Detection> withoutOverlaps(List<Detection> finds) {
        List<Detection> all = new ArrayList<>(finds);
        all.sort(Comparator.comparingInt(Detection::start).thenComparing(Comparator.comparingInt(Detection::end).reversed()));
        List<Detection> kept = new ArrayList<>();
        for (Detection d : all) {
            if (kept.isEmpty() || d.start() >= kept.getLast().end()) kept.add(d);
        }
        return kept;
    }
}
