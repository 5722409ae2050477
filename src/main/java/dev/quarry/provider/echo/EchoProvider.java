package dev.quarry.provider.echo;

import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.TokenEstimate;
import dev.quarry.canonical.Usage;
import dev.quarry.provider.Provider;
import dev.quarry.provider.ProviderCall;
import dev.quarry.provider.wire.DocumentSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The built-in test model. It streams its answer in small pieces, as a real model does, so that
 * clients' streaming paths are exercised; token counts are estimates ({@link TokenEstimate}).
 * A {@code maxTokens} limit truncates the text and ends with {@link StopReason#MAX_TOKENS}.
 */
public final class EchoProvider implements Provider {
    /** Characters per text delta: small enough that every answer streams in several pieces. */
    private static final int CHUNK = 16;

    /** The echo model reads text only; a document sent to it would be dropped without a word. */
    private static final DocumentSupport DOCUMENTS = new DocumentSupport("Quarry echo", Set.of(), 0,
            "send the document's content as text, or use a model with DOCUMENTS");

    private final String name;

    public EchoProvider(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public EventStream stream(ProviderCall call) {
        DOCUMENTS.require(call.request());
        List<StreamEvent> events = new ArrayList<>();
        events.add(new StreamEvent.MessageStart("echo_" + UUID.randomUUID(), "quarry/echo"));
        long output;
        StopReason stop;
        switch (EchoScript.answer(call.request())) {
            case EchoScript.Answer.Say say -> {
                String text = say.text();
                Integer max = call.request().config().maxTokens();
                stop = StopReason.END_TURN;
                if (max != null && TokenEstimate.of(text) > max) {
                    text = text.substring(0, Math.min(text.length(), max * 4));
                    stop = StopReason.MAX_TOKENS;
                }
                events.add(new StreamEvent.BlockStart(0, new ContentBlock.Text("")));
                for (String piece : pieces(text)) events.add(new StreamEvent.TextDelta(0, piece));
                events.add(new StreamEvent.BlockStop(0));
                output = TokenEstimate.of(text);
            }
            case EchoScript.Answer.Call calls -> {
                output = 0;
                int index = 0;
                for (ContentBlock.ToolUse use : calls.calls()) {
                    events.add(new StreamEvent.BlockStart(index, new ContentBlock.ToolUse(use.id(), use.name(), "", use.kind())));
                    for (String piece : pieces(use.input())) events.add(new StreamEvent.ToolInputDelta(index, piece));
                    events.add(new StreamEvent.BlockStop(index));
                    output += TokenEstimate.of(use.name()) + TokenEstimate.of(use.input());
                    index++;
                }
                stop = StopReason.TOOL_USE;
            }
        }
        events.add(new StreamEvent.UsageReport(new Usage(TokenEstimate.of(call.request()), output, 0, 0)));
        events.add(new StreamEvent.MessageStop(stop));
        return EventStream.of(events);
    }

    private static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = Math.min(text.length(), start + CHUNK);
            // Never split a surrogate pair across two deltas.
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) end++;
            pieces.add(text.substring(start, end));
            start = end;
        }
        return pieces;
    }
}
