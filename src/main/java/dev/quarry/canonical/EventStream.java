package dev.quarry.canonical;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A blocking, pull-based stream of {@link StreamEvent}s, read on the caller's (virtual) thread.
 *
 * <p>{@link #hasNext()} and {@link #next()} may block on the network and throw
 * {@link QuarryException} when the upstream fails. {@link #close()} releases the upstream
 * connection and cancels the call if it is still running; it is idempotent.
 */
public interface EventStream extends Iterator<StreamEvent>, AutoCloseable {

    @Override
    void close();

    /** A stream over events already in memory. */
    static EventStream of(List<StreamEvent> events) {
        Iterator<StreamEvent> it = List.copyOf(events).iterator();
        return new EventStream() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public StreamEvent next() {
                if (!it.hasNext()) throw new NoSuchElementException();
                return it.next();
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }
}
