package dev.quarry.gateway;

import dev.quarry.canonical.QuarryException;
import java.util.List;

/**
 * An ordered list of steps. Each step gets a chain cursor for the steps after it; the cursor
 * enforces the step contract (proceed at most once, never return {@code null}) and names the
 * step at fault when it is broken.
 */
public final class Pipeline {
    private final List<Step> steps;

    public Pipeline(List<Step> steps) {
        if (steps.isEmpty()) throw new IllegalArgumentException("a pipeline needs at least one step");
        this.steps = List.copyOf(steps);
    }

    public Outcome run(Exchange exchange) {
        return new Cursor(0).proceed(exchange);
    }

    /** The step names, in order: the whole governed path on one line. */
    public List<String> describe() {
        return steps.stream().map(Step::name).toList();
    }

    private final class Cursor implements Chain {
        private final int index;
        private boolean proceeded;

        Cursor(int index) {
            this.index = index;
        }

        @Override
        public Outcome proceed(Exchange exchange) {
            if (index >= steps.size()) {
                throw new IllegalStateException("step '" + steps.getLast().name() + "' is last and must not proceed");
            }
            if (proceeded) {
                throw new IllegalStateException("step '" + steps.get(index - 1).name() + "' called proceed() twice");
            }
            proceeded = true;
            Step step = steps.get(index);
            Outcome outcome;
            try {
                outcome = step.apply(exchange, new Cursor(index + 1));
            } catch (QuarryException e) {
                return new Outcome.Rejected(exchange, e.error());
            }
            if (outcome == null) throw new IllegalStateException("step '" + step.name() + "' returned null");
            return outcome;
        }
    }
}
