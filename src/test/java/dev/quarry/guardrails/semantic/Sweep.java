package dev.quarry.guardrails.semantic;

import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Micro-averaged precision, recall and F1 of a decision replayed over a calibration set at
 * candidate thresholds: how the calibration tests choose and check the filters' constants.
 */
final class Sweep {
    private Sweep() {}

    /** The labels the filter would report for a case at a threshold. */
    interface Decision<C> {
        Set<String> found(C scored, double threshold);
    }

    record Figures(double threshold, int tp, int fp, int fn) {
        double precision() {
            return tp + fp == 0 ? 1 : (double) tp / (tp + fp);
        }

        double recall() {
            return tp + fn == 0 ? 1 : (double) tp / (tp + fn);
        }

        double f1() {
            double p = precision(), r = recall();
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }

        @Override
        public String toString() {
            return String.format("%7.3f  tp %3d fp %3d fn %3d  precision %.3f recall %.3f F1 %.3f", threshold, tp, fp, fn, precision(), recall(), f1());
        }
    }

    static <C> Figures at(List<C> cases, Function<C, Set<String>> expected, Decision<C> decision, double threshold) {
        int tp = 0, fp = 0, fn = 0;
        for (C c : cases) {
            Set<String> want = expected.apply(c), got = decision.found(c, threshold);
            for (String label : want) if (got.contains(label)) tp++; else fn++;
            for (String label : got) if (!want.contains(label)) fp++;
        }
        return new Figures(threshold, tp, fp, fn);
    }

    /** Figures at every step from {@code from} to {@code to}. */
    static <C> List<Figures> over(List<C> cases, Function<C, Set<String>> expected, Decision<C> decision, double from, double to, double step) {
        int steps = (int) Math.round((to - from) / step);
        return IntStream.rangeClosed(0, steps)
                .mapToObj(i -> at(cases, expected, decision, from + i * step))
                .toList();
    }

    static Figures best(List<Figures> sweep) {
        Figures best = sweep.getFirst();
        for (Figures f : sweep) if (f.f1() > best.f1()) best = f;
        return best;
    }

}
