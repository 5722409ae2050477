package dev.quarry.guardrails;

import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.TokenEstimate;
import dev.quarry.canonical.Usage;
import dev.quarry.guardrails.GuardrailSpec.Action;
import dev.quarry.guardrails.GuardrailSpec.Source;
import dev.quarry.guardrails.detect.NormalisedText;
import dev.quarry.guardrails.regex.ReadBudget;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.LongSupplier;

/**
 * Checks a streamed answer as it streams. Text is held back only as far as a pattern can reach
 * ({@link Guard#releasable}): a few dozen characters behind what arrived for a card number, the
 * word being written for an email address or a URL. So a value split across chunks is seen whole
 * before any of it is sent, while the first token still leaves soon. The PII detectors read the text as a person does
 * ({@link NormalisedText}), and hold back as far in that reading: invisible characters between the digits of a value
 * cannot stretch it past the hold-back. When the guardrail checks denied topics, text is also held
 * until the sentence it belongs to is complete and checked.
 *
 * <p>Anonymised values are replaced in the text that is released. A blocked answer cannot be
 * unsent: the stream ends there with the guardrail's message and {@link StopReason#GUARDRAIL_INTERVENED},
 * the upstream call is cancelled (its generation is not paid for any further), and the usage is
 * estimated from the prompt and what the upstream had produced. Custom regexes share one read
 * budget for the whole answer; when it runs out the answer is blocked there (fail closed). Text
 * blocks are checked; tool-call input and reasoning pass unchecked.
 */
public final class GuardedStream implements EventStream {
    /** New characters that make a scan worth it, about eight tokens: it bounds the per-delta cost, and adds that much to the hold-back. */
    static final int SCAN_STEP = 32;

    private final EventStream upstream;
    private final Guard guard;
    private final Placeholders placeholders;
    private final GuardRecord record;
    private final LongSupplier promptEstimate;
    /**
     * The custom regexes' reads for the whole answer, as for a request's input: the answer is
     * rescanned every {@value #SCAN_STEP} characters, so a budget per scan would let a long answer
     * buy a budget per step.
     */
    private final ReadBudget budget;
    private final ArrayDeque<StreamEvent> ready = new ArrayDeque<>();
    private final List<Finding> findings = new ArrayList<>();
    /** Whether the answer is sent whole: then nothing is released before its block is complete. */
    private final boolean whole;

    /**
     * Released text of the current block, kept so that a detector that looks behind a value (the
     * "CVV" before it) still sees it. It is kept as read ({@link NormalisedText}), not as written:
     * the detectors read it the same, and invisible characters cannot push the words before a
     * value out of it, nor make it long.
     */
    private final StringBuilder context = new StringBuilder();

    private final StringBuilder pending = new StringBuilder();
    /** How long {@code pending} was when last scanned. */
    private int scannedLength;
    /** How much of {@code pending} has been checked for denied topics. */
    private int topicsChecked;
    private int block = -1;
    private boolean releasedAny;
    /** What the upstream wrote, billed by the same estimate as any broken stream when it reports no usage. */
    private final TokenEstimate.Tally upstreamText = new TokenEstimate.Tally();
    private long checkedChars;
    private long checkingNanos;
    private Usage usage = Usage.ZERO;
    private boolean finished;

    /**
     * @param whole          whether the client gets the answer whole (not streamed): then nothing is
     *                       released before a block is complete, and a blocked block is replaced entirely
     * @param promptEstimate the prompt's estimated tokens, for the usage of an answer cut short
     */
    public GuardedStream(EventStream upstream, Guard guard, boolean whole, Placeholders placeholders, GuardRecord record,
                         LongSupplier promptEstimate) {
        this(upstream, guard, whole, placeholders, record, promptEstimate, new ReadBudget());
    }

    GuardedStream(EventStream upstream, Guard guard, boolean whole, Placeholders placeholders, GuardRecord record,
                  LongSupplier promptEstimate, ReadBudget budget) {
        this.upstream = upstream;
        this.budget = budget;
        this.whole = whole;
        this.guard = guard;
        this.placeholders = placeholders;
        this.record = record;
        this.promptEstimate = promptEstimate;
    }

    @Override
    public boolean hasNext() {
        while (ready.isEmpty() && !finished && upstream.hasNext()) take(upstream.next());
        return !ready.isEmpty();
    }

    @Override
    public StreamEvent next() {
        if (!hasNext()) throw new NoSuchElementException();
        return ready.poll();
    }

    /** Closing early (the client went away) still records what the guard found in what it had read. */
    @Override
    public void close() {
        if (!finished) {
            finished = true;
            record.assessed(Source.OUTPUT, assessment());
        }
        upstream.close();
    }

    private void take(StreamEvent event) {
        switch (event) {
            case StreamEvent.BlockStart s when s.block() instanceof ContentBlock.Text -> {
                endBlock();
                if (finished) return;
                startBlock(s.index());
                ready.add(event);
            }
            case StreamEvent.TextDelta t -> {
                // A delta outside the open text block breaks the stream's contract; it is checked all the same.
                if (t.index() != block) {
                    endBlock();
                    if (finished) return;
                    startBlock(t.index());
                }
                upstreamText.add(t.text());
                pending.append(t.text());
                // A scan costs about the same for three new characters as for thirty: wait for a few tokens' worth.
                // An answer sent whole is scanned once, when its block ends.
                if (!whole && pending.length() - scannedLength >= SCAN_STEP) release(false);
            }
            case StreamEvent.BlockStop s when s.index() == block -> {
                endBlock();
                if (!finished) ready.add(event);
            }
            case StreamEvent.UsageReport u -> {
                usage = u.usage();
                ready.add(event);
            }
            case StreamEvent.MessageStop s -> {
                endBlock();
                if (finished) return;
                record.assessed(Source.OUTPUT, assessment());
                finished = true;
                ready.add(event);
            }
            default -> ready.add(event);
        }
    }

    private void startBlock(int index) {
        block = index;
        releasedAny = false;
    }

    /** Checks and releases the rest of the open text block, if one is open. */
    private void endBlock() {
        if (block < 0) return;
        release(true);
        block = -1;
        context.setLength(0);
    }

    /** Releases what is safe of the pending text; with {@code last}, all of it. */
    private void release(boolean last) {
        scannedLength = pending.length();
        long start = System.nanoTime();
        try {
            releaseChecked(last);
        } finally {
            checkingNanos += System.nanoTime() - start;
        }
    }

    private void releaseChecked(boolean last) {
        int limit = last ? pending.length() : whole ? 0 : guard.releasable(pending);
        if (guard.checksTopics() && (last || !whole)) {
            limit = Math.min(limit, checkTopics(last));
            if (finished) return;
        }
        String text = context + pending.toString();
        int offset = context.length();
        List<Hit> hits = new ArrayList<>();
        for (Hit hit : guard.scan(Source.OUTPUT, text, budget)) {
            if (hit.end() <= offset) continue;
            // A find that began in released text cannot be taken back; what of it is still pending is acted on.
            hits.add(hit.start() >= offset ? hit : hit.over(offset, hit.end()));
        }
        // Fail closed at once: with the budget spent no later scan can judge the text, and holding it to rescan would cost more.
        if (budget.exhausted()) {
            for (Hit hit : hits) findings.add(hit.finding(text));
            intervene();
            return;
        }
        // A blocking find with text after it is complete: end the answer now rather than after the hold-back.
        if (hits.stream().anyMatch(h -> h.action() == Action.BLOCK && h.end() < text.length())) {
            for (Hit hit : hits) if (hit.end() < text.length()) findings.add(hit.finding(text));
            intervene();
            return;
        }
        // Never release part of a find: stop before any that reaches past what can be released.
        for (boolean moved = true; moved; ) {
            moved = false;
            for (Hit hit : hits) {
                if (hit.end() - offset > limit && hit.start() - offset < limit) {
                    limit = hit.start() - offset;
                    moved = true;
                }
            }
        }
        int end = offset + limit;
        List<Hit> settled = hits.stream().filter(h -> h.end() <= end).toList();
        checkedChars += limit;
        for (Hit hit : settled) findings.add(hit.finding(text));
        if (settled.stream().anyMatch(h -> h.action() == Action.BLOCK)) {
            intervene();
            return;
        }
        if (limit == 0) return;
        String released = Guard.redact(text.substring(offset, end), shifted(settled, offset), placeholders);
        ready.add(new StreamEvent.TextDelta(block, released));
        releasedAny = true;
        context.append(NormalisedText.of(pending.subSequence(0, limit)).text());
        int keep = Math.max(guard.holdBack(), 300);
        if (context.length() > keep) context.delete(0, context.length() - keep);
        pending.delete(0, limit);
        scannedLength = pending.length();
        topicsChecked = Math.max(0, topicsChecked - limit);
    }

    /** Checks complete sentences not yet checked for denied topics; returns how much of the pending text is checked. */
    private int checkTopics(boolean last) {
        int boundary = last ? pending.length() : lastSentenceEnd();
        if (boundary > topicsChecked) {
            String window = recent(boundary);
            List<Finding> topics = guard.semantic(Source.OUTPUT, window, false);
            if (!topics.isEmpty()) {
                findings.addAll(topics);
                intervene();
                return 0;
            }
            topicsChecked = boundary;
        }
        return topicsChecked;
    }

    /** The sentence just completed with what came shortly before it: topic filters judge a sentence better in context. */
    private String recent(int boundary) {
        String before = context.length() > 300 ? context.substring(context.length() - 300) : context.toString();
        return before + pending.substring(0, boundary);
    }

    private int lastSentenceEnd() {
        for (int i = pending.length() - 1; i >= topicsChecked; i--) {
            char c = pending.charAt(i);
            if (c == '.' || c == '!' || c == '?' || c == '\n') return i + 1;
        }
        return topicsChecked;
    }

    private static List<Hit> shifted(List<Hit> hits, int offset) {
        return hits.stream().map(h -> h.over(h.start() - offset, h.end() - offset)).toList();
    }

    /** Ends the answer with the guardrail's message; what was already released stays released. */
    private void intervene() {
        String message = guard.blockedMessage(Source.OUTPUT);
        ready.add(new StreamEvent.TextDelta(block, releasedAny ? "\n\n" + message : message));
        ready.add(new StreamEvent.BlockStop(block));
        if (usage.outputTokens() == 0) {
            long input = usage.totalInputTokens() == 0 ? promptEstimate.getAsLong() : usage.inputTokens();
            ready.add(new StreamEvent.UsageReport(new Usage(input, upstreamText.tokens(), usage.cacheReadTokens(), usage.cacheWriteTokens())));
        }
        ready.add(new StreamEvent.MessageStop(StopReason.GUARDRAIL_INTERVENED));
        record.assessed(Source.OUTPUT, assessment());
        finished = true;
        upstream.close();
    }

    private Assessment assessment() {
        return new Assessment(findings, checkingNanos / 1_000_000, checkedChars);
    }
}
