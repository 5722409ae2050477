package dev.quarry.guardrails.semantic;

import dev.quarry.guardrails.detect.Embedder;
import java.util.Arrays;
import java.util.List;

/**
 * Reference texts as unit vectors, so that a cosine similarity is a dot product. Immutable once
 * built, hence safe to share between threads.
 */
final class VectorSet {
    private final float[][] units;

    private VectorSet(float[][] units) {
        this.units = units;
    }

    /** Embeds {@code texts} in one call, checking the embedder kept its contract. */
    static float[][] embed(Embedder embedder, List<String> texts) {
        List<float[]> vectors = embedder.embed(texts);
        if (vectors.size() != texts.size()) {
            throw new IllegalStateException("the embedder returned " + vectors.size() + " vectors for " + texts.size() + " texts");
        }
        float[][] units = new float[vectors.size()][];
        for (int i = 0; i < units.length; i++) {
            units[i] = unit(vectors.get(i));
            if (units[i].length != units[0].length) {
                throw new IllegalStateException("the embedder returned vectors of " + units[0].length + " and " + units[i].length + " dimensions");
            }
        }
        return units;
    }

    /** Rows {@code [from, to)} of embedded {@code units}. */
    static VectorSet of(float[][] units, int from, int to) {
        if (from >= to) throw new IllegalArgumentException("a vector set needs at least one vector");
        return new VectorSet(Arrays.copyOfRange(units, from, to));
    }

    /** The reference nearest {@code unit}. */
    int nearest(float[] unit) {
        int best = 0;
        double bestSimilarity = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < units.length; i++) {
            double similarity = dot(units[i], unit);
            if (similarity > bestSimilarity) {
                bestSimilarity = similarity;
                best = i;
            }
        }
        return best;
    }

    /** The similarity of {@code unit} to its nearest reference. */
    double nearestSimilarity(float[] unit) {
        return similarity(nearest(unit), unit);
    }

    double similarity(int reference, float[] unit) {
        return dot(units[reference], unit);
    }

    /**
     * The mean similarity of {@code unit} to its {@code k} nearest references: one reference
     * sharing a stray word with the text weighs less than two agreeing on its subject.
     */
    double meanOfNearest(float[] unit, int k) {
        int n = Math.min(k, units.length);
        double[] top = new double[n];
        Arrays.fill(top, Double.NEGATIVE_INFINITY);
        for (float[] reference : units) {
            double similarity = dot(reference, unit);
            for (int i = 0; i < n; i++) {
                if (similarity > top[i]) {
                    System.arraycopy(top, i, top, i + 1, n - i - 1);
                    top[i] = similarity;
                    break;
                }
            }
        }
        double sum = 0;
        for (double similarity : top) sum += similarity;
        return sum / n;
    }

    private static float[] unit(float[] vector) {
        double norm = 0;
        for (float x : vector) norm += x * x;
        norm = Math.sqrt(norm);
        if (norm == 0) throw new IllegalStateException("the embedder returned a zero vector");
        float[] unit = new float[vector.length];
        for (int i = 0; i < vector.length; i++) unit[i] = (float) (vector[i] / norm);
        return unit;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) sum += a[i] * b[i];
        return sum;
    }
}
