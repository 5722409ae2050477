package dev.quarry.budget;

import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.Usage;
import java.util.function.Consumer;

/**
 * Passes a stream through and settles its reservation once, with the usage reported so far: when
 * the {@link StreamEvent.MessageStop} arrives (before handing it on, so the spend is counted before
 * the client can send its next request), when the stream fails, or when it is closed early.
 */
public final class BudgetedEventStream implements EventStream {
    private final EventStream delegate;
    private final Consumer<Usage> settle;
    private Usage usage = Usage.ZERO;
    private boolean settled;

    /** @param settle given the final usage, exactly once */
    public BudgetedEventStream(EventStream delegate, Consumer<Usage> settle) {
        this.delegate = delegate;
        this.settle = settle;
    }

    @Override
    public boolean hasNext() {
        try {
            return delegate.hasNext();
        } catch (RuntimeException e) {
            settleOnce();
            throw e;
        }
    }

    @Override
    public StreamEvent next() {
        StreamEvent event;
        try {
            event = delegate.next();
        } catch (RuntimeException e) {
            settleOnce();
            throw e;
        }
        if (event instanceof StreamEvent.UsageReport u) usage = u.usage();
        if (event instanceof StreamEvent.MessageStop) settleOnce();
        return event;
    }

    @Override
    public void close() {
        try {
            delegate.close();
        } finally {
            settleOnce();
        }
    }

    private void settleOnce() {
        if (settled) return;
        settled = true;
        settle.accept(usage);
    }
}
