package dev.quarry.budget;

/** A soft threshold of a budget was crossed: sent once per budget, threshold and window. */
public record ThresholdAlert(Budget budget, Period.Window window, int thresholdPercent, long spentMicros) {
    String describe() {
        return "budget " + budget.label() + " crossed " + thresholdPercent + "% of its limit " + Micros.format(budget.limitMicros())
                + ": " + Micros.format(spentMicros) + " spent in the period from " + window.start() + " to " + window.end();
    }
}
