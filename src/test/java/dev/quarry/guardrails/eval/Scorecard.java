package dev.quarry.guardrails.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Precision and recall per label over a labelled evaluation set. For each case, every label
 * expected and found is a true positive, found but not expected a false positive, expected but
 * not found a false negative. {@link #report} prints the table (the figures are the point of the
 * evaluation, so they show in the build log), {@link #assertAtLeast} fails below the thresholds
 * and names the cases that failed.
 */
public final class Scorecard {
    private final String title;
    private final Map<String, int[]> counts = new TreeMap<>();
    private final List<String> misses = new ArrayList<>();
    private int cases;

    public Scorecard(String title) {
        this.title = title;
    }

    /** Scores one case: {@code id} names it in failure messages. */
    public void score(String id, Set<String> expected, Set<String> found) {
        cases++;
        for (String label : expected) {
            int[] c = counts.computeIfAbsent(label, k -> new int[3]);
            if (found.contains(label)) c[0]++;
            else {
                c[2]++;
                misses.add("missed " + label + " in " + id);
            }
        }
        for (String label : found) {
            if (expected.contains(label)) continue;
            counts.computeIfAbsent(label, k -> new int[3])[1]++;
            misses.add("false " + label + " in " + id);
        }
    }

    /** Declares a label that must appear in the report even if no case produced it. */
    public void expectLabel(String label) {
        counts.computeIfAbsent(label, k -> new int[3]);
    }

    public int cases() {
        return cases;
    }

    public int truePositives(String label) {
        return counts.getOrDefault(label, new int[3])[0];
    }

    public int falsePositives(String label) {
        return counts.getOrDefault(label, new int[3])[1];
    }

    public int falseNegatives(String label) {
        return counts.getOrDefault(label, new int[3])[2];
    }

    /** What went wrong, case by case: "missed LABEL in id", "false LABEL in id". */
    public List<String> misses() {
        return List.copyOf(misses);
    }

    public double precision(String label) {
        int[] c = counts.getOrDefault(label, new int[3]);
        return c[0] + c[1] == 0 ? 1.0 : (double) c[0] / (c[0] + c[1]);
    }

    public double recall(String label) {
        int[] c = counts.getOrDefault(label, new int[3]);
        return c[0] + c[2] == 0 ? 1.0 : (double) c[0] / (c[0] + c[2]);
    }

    public String report() {
        StringBuilder out = new StringBuilder("\n" + title + " (" + cases + " cases)\n");
        out.append(String.format("%-40s %5s %5s %5s %9s %6s%n", "label", "tp", "fp", "fn", "precision", "recall"));
        counts.forEach((label, c) -> out.append(String.format("%-40s %5d %5d %5d %9.3f %6.3f%n",
                label, c[0], c[1], c[2], precision(label), recall(label))));
        return out.toString();
    }

    /** Prints the report and fails if any label is below either threshold, listing what went wrong. */
    public void assertAtLeast(double minPrecision, double minRecall) {
        assertAtLeast(minPrecision, minRecall, Set.of());
    }

    /**
     * As {@link #assertAtLeast(double, double)}, leaving out labels held to a bar of their own
     * ({@link #assertLabelAtLeast}); the report still shows them.
     */
    public void assertAtLeast(double minPrecision, double minRecall, Set<String> heldApart) {
        System.out.println(report());
        List<String> below = new ArrayList<>();
        for (String label : counts.keySet()) {
            if (heldApart.contains(label)) continue;
            below.addAll(shortfalls(label, minPrecision, minRecall));
        }
        assertThat(below).as(report() + "\n" + String.join("\n", misses)).isEmpty();
    }

    public void assertLabelAtLeast(String label, double minPrecision, double minRecall) {
        assertThat(shortfalls(label, minPrecision, minRecall)).as(report() + "\n" + String.join("\n", misses)).isEmpty();
    }

    private List<String> shortfalls(String label, double minPrecision, double minRecall) {
        List<String> below = new ArrayList<>();
        int[] c = counts.getOrDefault(label, new int[3]);
        if (c[0] + c[2] == 0) below.add(label + ": no positive case in the set");
        if (precision(label) < minPrecision) below.add(label + ": precision " + precision(label));
        if (recall(label) < minRecall) below.add(label + ": recall " + recall(label));
        return below;
    }
}
