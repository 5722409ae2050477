package dev.quarry.canonical;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Passes a stream through and reports how it ended, exactly once, with the usage reported up to
 * then: when the {@link StreamEvent.MessageStop} arrives (before it is handed on, so whatever is
 * settled is settled before the client sees the end), when the stream fails, or when its consumer
 * closes it early. The gateway's settle step settles a streamed request's ledger row, budgets and
 * rate limits through one of these.
 *
 * <p>Most upstreams report usage only at the end, so a stream that broke or was abandoned after
 * handing on some output may have reported none: it is then billed for what the client received,
 * estimated — the output handed on, and the prompt that produced it. Nothing handed on, nothing billed.
 */
public final class SettlingStream implements EventStream {

    public enum Ending { COMPLETED, FAILED, CANCELLED }

    /** @param error what failed, for {@link Ending#FAILED}; else {@code null} */
    public record End(Ending ending, Usage usage, QuarryError error) {}

    private final EventStream delegate;
    private final Consumer<End> onEnd;
    private Usage usage = Usage.ZERO;
    /** Text, tool input and reasoning handed on. */
    private final TokenEstimate.Tally delivered = new TokenEstimate.Tally();
    private boolean ended;

    private final LongSupplier promptEstimate;

    /** For a stream whose usage matters only as reported (nothing bills from it). */
    public SettlingStream(EventStream delegate, Consumer<End> onEnd) {
        this(delegate, () -> 0, onEnd);
    }

    /** @param promptEstimate the prompt's estimated tokens, asked only when a broken stream reported no usage */
    public SettlingStream(EventStream delegate, LongSupplier promptEstimate, Consumer<End> onEnd) {
        this.delegate = delegate;
        this.promptEstimate = promptEstimate;
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
            case StreamEvent.TextDelta t -> delivered.add(t.text());
            case StreamEvent.ToolInputDelta t -> delivered.add(t.fragment());
            case StreamEvent.ReasoningDelta r -> delivered.add(r.text());
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
        Usage billed = ending != Ending.COMPLETED && usage.outputTokens() == 0 && delivered.tokens() > 0
                ? new Usage(usage.totalInputTokens() == 0 ? promptEstimate.getAsLong() : usage.inputTokens(),
                        delivered.tokens(), usage.cacheReadTokens(), usage.cacheWriteTokens())
                : usage;
        onEnd.accept(new End(ending, billed, error));
    }
}
