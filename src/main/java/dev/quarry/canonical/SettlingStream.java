package dev.quarry.canonical;

import java.util.function.Consumer;

/**
 * Passes a stream through and reports how it ended, exactly once, with the usage reported up to
 * then — or, for a stream that broke or was abandoned before its upstream reported any output, the
 * output it had handed on, estimated, so what the client received is billed and nothing more: when the {@link StreamEvent.MessageStop} arrives (before it is handed on, so whatever is
 * settled is settled before the client sees the end), when the stream fails, or when its consumer
 * closes it early. The ledger, budgets and rate limits all settle through it.
 */
public final class SettlingStream implements EventStream {

    public enum Ending { COMPLETED, FAILED, CANCELLED }

    /** @param error what failed, for {@link Ending#FAILED}; else {@code null} */
    public record End(Ending ending, Usage usage, QuarryError error) {}

    private final EventStream delegate;
    private final Consumer<End> onEnd;
    private Usage usage = Usage.ZERO;
    /** Characters of text, tool input and reasoning handed on. */
    private long deliveredChars;
    private boolean ended;

    public SettlingStream(EventStream delegate, Consumer<End> onEnd) {
        this.delegate = delegate;
        this.onEnd = onEnd;
    }

    @Override
    public boolean hasNext() {
        try {
            return delegate.hasNext();
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    @Override
    public StreamEvent next() {
        StreamEvent event;
        try {
            event = delegate.next();
        } catch (RuntimeException e) {
            throw failed(e);
        }
        switch (event) {
            case StreamEvent.TextDelta t -> deliveredChars += t.text().length();
            case StreamEvent.ToolInputDelta t -> deliveredChars += t.fragment().length();
            case StreamEvent.ReasoningDelta r -> deliveredChars += r.text().length();
            case StreamEvent.UsageReport u -> usage = u.usage();
            case StreamEvent.MessageStop s -> endOnce(Ending.COMPLETED, null);
            default -> { }
        }
        return event;
    }

    @Override
    public void close() {
        try {
            delegate.close();
        } finally {
            endOnce(Ending.CANCELLED, null);
        }
    }

    private RuntimeException failed(RuntimeException e) {
        endOnce(Ending.FAILED, e instanceof QuarryException q ? q.error() : QuarryError.of(ErrorKind.INTERNAL, String.valueOf(e.getMessage())));
        return e;
    }

    private void endOnce(Ending ending, QuarryError error) {
        if (ended) return;
        ended = true;
        Usage billed = ending != Ending.COMPLETED && usage.outputTokens() == 0 && deliveredChars > 0
                ? new Usage(usage.inputTokens(), TokenEstimate.ofLength(deliveredChars), usage.cacheReadTokens(), usage.cacheWriteTokens())
                : usage;
        onEnd.accept(new End(ending, billed, error));
    }
}
