package dev.quarry.guardrails.detect;

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
}
