package dev.quarry.guardrails.words;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Listed words and phrases as a tree of words: a phrase of three words is a path of three steps
 * from the root. Looking up every phrase that starts at a word of the text walks one path, however
 * many phrases are listed.
 */
final class PhraseTrie {
    private final Node root = new Node();

    private static final class Node {
        final Map<String, Node> next = new HashMap<>();
        boolean listed;
    }

    void add(List<String> words) {
        Node node = root;
        for (String word : words) node = node.next.computeIfAbsent(word, w -> new Node());
        node.listed = true;
    }

    /**
     * The index of the last word of the longest listed phrase that starts at {@code tokens[from]},
     * or -1 if none does. {@code readings[i]} are the ways {@code tokens[i]} may be read; two words
     * of a phrase may be at most {@code maxGap} characters apart.
     */
    int longestMatch(List<Token> tokens, List<List<String>> readings, int from, int maxGap) {
        Node node = root;
        int last = -1;
        for (int i = from; i < tokens.size(); i++) {
            if (i > from && tokens.get(i).start() - tokens.get(i - 1).end() > maxGap) break;
            node = step(node, readings.get(i));
            if (node == null) break;
            if (node.listed) last = i;
        }
        return last;
    }

    private static Node step(Node node, List<String> readings) {
        for (String reading : readings) {
            Node next = node.next.get(reading);
            if (next != null) return next;
        }
        return null;
    }
}
