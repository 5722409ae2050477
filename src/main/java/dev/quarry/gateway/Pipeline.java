package dev.quarry.gateway;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An ordered list of steps. Each step gets a chain cursor for the steps after it; the cursor
 * enforces the step contract (proceed at most once, never return {@code null}). A refusal a step
 * throws becomes a rejection; anything else a step throws, or a broken contract, becomes an
 * internal error: the client is told the request id, the server log gets the step at fault and
 * the stack trace, once (the cursor of the failing step catches it, so the steps before it see an
 * outcome, which the audit step records).
 */
public final class Pipeline {
    private static final Logger LOG = Logger.getLogger(Pipeline.class.getName());

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

    /** What the client is told of a fault of ours: which request failed, not how. */
    private static QuarryError internalError(String requestId) {
        return QuarryError.of(ErrorKind.INTERNAL, "The call failed inside Quarry (request " + requestId + "); the server log has the cause.");
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
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "step '" + step.name() + "' failed on request " + exchange.requestId(), e);
                return new Outcome.Rejected(exchange, internalError(exchange.requestId()));
            }
            if (outcome == null) {
                LOG.severe(() -> "step '" + step.name() + "' returned null on request " + exchange.requestId());
                return new Outcome.Rejected(exchange, internalError(exchange.requestId()));
            }
            return outcome;
        }
    }
}
