package dev.quarry.canonical;

import java.util.NoSuchElementException;

/**
 * Base for streams that produce one event at a time from a source (a decoder over a socket):
 * subclasses implement {@link #produce()} and {@link #release()}, this class does the iterator
 * bookkeeping and makes {@link #close()} idempotent.
 */
public abstract class PullingEventStream implements EventStream {
    private StreamEvent next;
    private boolean finished;
    private boolean closed;

    /** The next event, or {@code null} when the stream has ended normally. */
    protected abstract StreamEvent produce();

    /** Frees what the stream holds (sockets, buffers). Called once. */
    protected abstract void release();

    @Override
    public final boolean hasNext() {
        if (next != null) return true;
        if (finished || closed) return false;
        next = produce();
        if (next == null) finished = true;
        return next != null;
    }

    @Override
    public final StreamEvent next() {
        if (!hasNext()) throw new NoSuchElementException();
        StreamEvent event = next;
        next = null;
        return event;
    }

    @Override
    public final void close() {
        if (closed) return;
        closed = true;
        release();
    }
}
