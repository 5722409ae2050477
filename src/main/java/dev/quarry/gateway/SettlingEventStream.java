package dev.quarry.gateway;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.Usage;

/**
 * Passes a provider's stream through and writes its ledger record exactly once: when the
 * {@link StreamEvent.MessageStop} arrives (before handing it on), when the stream fails, or when
 * the consumer closes it early (a client that went away is billed for what was produced).
 */
final class SettlingEventStream implements EventStream {
    private final EventStream delegate;
    private final Exchange exchange;
    private final SettleStep settle;
    private Usage usage = Usage.ZERO;
    private boolean settled;

    SettlingEventStream(EventStream delegate, Exchange exchange, SettleStep settle) {
        this.delegate = delegate;
        this.exchange = exchange;
        this.settle = settle;
    }

    @Override
    public boolean hasNext() {
        try {
            return delegate.hasNext();
        } catch (QuarryException e) {
            settleOnce("failed", e.error());
            throw e;
        } catch (RuntimeException e) {
            settleOnce("failed", QuarryError.of(ErrorKind.INTERNAL, String.valueOf(e.getMessage())));
            throw e;
        }
    }

    @Override
    public StreamEvent next() {
        StreamEvent event;
        try {
            event = delegate.next();
        } catch (QuarryException e) {
            settleOnce("failed", e.error());
            throw e;
        }
        switch (event) {
            case StreamEvent.UsageReport u -> usage = u.usage();
            case StreamEvent.MessageStop s -> settleOnce("completed", null);
            default -> { }
        }
        return event;
    }

    @Override
    public void close() {
        try {
            delegate.close();
        } finally {
            settleOnce("cancelled", null);
        }
    }

    private void settleOnce(String status, QuarryError error) {
        if (settled) return;
        settled = true;
        settle.record(exchange, usage, status, error);
    }
}
