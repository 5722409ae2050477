package dev.quarry.guardrails.semantic;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Cuts a text into the pieces a sentence-embedding model compares well. One vector for a whole
 * text averages its subjects away (a denied question at the end of a page of meeting notes, or
 * the second of two questions, vanishes), so a text is read sentence by sentence, plus whole
 * when it is short enough to be one thought spread over sentences.
 */
final class Windows {
    /** A sentence longer than this (a run-on, a paste without full stops) is cut at spaces. */
    static final int WINDOW_CHARS = 250;
    /**
     * The longest text also read whole: about 250 tokens, the length MiniLM was trained on.
     * Beyond it the whole-text vector is an average of partitions and says less than the windows.
     */
    static final int WHOLE_TEXT_CHARS = 1_000;
    /**
     * A text of more sentences than this is read in windows of consecutive sentences instead, so
     * that it costs a bounded number of inputs; windows never skip text, which would let an
     * attack hide after the last one.
     */
    static final int MAX_WINDOWS = 16;

    private static final Pattern SENTENCE_BREAK = Pattern.compile("(?<=[.!?])\\s+|\\s*\\R\\s*");

    private Windows() {}

    static List<String> of(String text) {
        String trimmed = text.strip();
        List<String> sentences = new ArrayList<>();
        for (String sentence : SENTENCE_BREAK.split(trimmed)) cut(sentence, WINDOW_CHARS, sentences);
        // Greedy packing fills each window at least half, hence the factor 2.
        List<String> windows = sentences.size() <= MAX_WINDOWS
                ? sentences
                : packed(sentences, Math.max(WINDOW_CHARS, 2 * trimmed.length() / MAX_WINDOWS + 1));
        if (windows.size() > 1 && trimmed.length() <= WHOLE_TEXT_CHARS) windows.add(trimmed);
        return windows;
    }

    /** Consecutive sentences joined into windows of at most {@code size} characters. */
    private static List<String> packed(List<String> sentences, int size) {
        List<String> windows = new ArrayList<>();
        StringBuilder window = new StringBuilder();
        for (String sentence : sentences) {
            if (!window.isEmpty() && window.length() + 1 + sentence.length() > size) {
                windows.add(window.toString());
                window.setLength(0);
            }
            if (!window.isEmpty()) window.append(' ');
            window.append(sentence);
        }
        if (!window.isEmpty()) windows.add(window.toString());
        return windows;
    }

    /** Adds {@code sentence} to {@code into} in pieces of at most {@code size}, cut at spaces where it has them. */
    private static void cut(String sentence, int size, List<String> into) {
        String rest = sentence;
        while (rest.length() > size) {
            int space = rest.lastIndexOf(' ', size);
            int cut = space > 0 ? space : size;
            into.add(rest.substring(0, cut));
            rest = rest.substring(cut).stripLeading();
        }
        if (!rest.isEmpty()) into.add(rest);
    }
}
