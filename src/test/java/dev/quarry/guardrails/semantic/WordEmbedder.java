package dev.quarry.guardrails.semantic;

import dev.quarry.guardrails.detect.Embedder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A deterministic stand-in for MiniLM: a bag of words hashed into 256 dimensions, so texts that
 * share words are similar and texts that share none are orthogonal. It records every batch it is
 * given, which is how the tests count embedding calls.
 */
final class WordEmbedder implements Embedder {
    private static final int DIMENSIONS = 256;
    final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());

    @Override
    public List<float[]> embed(List<String> texts) {
        batches.add(List.copyOf(texts));
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (String text : texts) {
            float[] vector = new float[DIMENSIONS];
            for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
                if (!word.isEmpty()) vector[Math.floorMod(word.hashCode(), DIMENSIONS)] += 1;
            }
            vector[DIMENSIONS - 1] += 0.01f; // never a zero vector, even for punctuation
            vectors.add(vector);
        }
        return vectors;
    }

    int calls() {
        return batches.size();
    }

    List<String> lastBatch() {
        return batches.getLast();
    }
}
