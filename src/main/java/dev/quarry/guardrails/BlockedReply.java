package dev.quarry.guardrails;

import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.Usage;
import java.util.List;

/**
 * The answer a blocked prompt gets instead of a model's: the guardrail's message as an assistant
 * turn that stopped because a guardrail intervened, which every surface encodes in its own form
 * (Bedrock's {@code guardrail_intervened}, OpenAI's {@code content_filter}, Anthropic's
 * {@code refusal}). No model ran, so it used nothing.
 */
public final class BlockedReply {
    private BlockedReply() {}

    public static EventStream of(String requestId, String model, String message) {
        return EventStream.of(List.of(
                new StreamEvent.MessageStart("guardrail-" + requestId, model),
                new StreamEvent.BlockStart(0, new ContentBlock.Text("")),
                new StreamEvent.TextDelta(0, message),
                new StreamEvent.BlockStop(0),
                new StreamEvent.UsageReport(Usage.ZERO),
                new StreamEvent.MessageStop(StopReason.GUARDRAIL_INTERVENED)));
    }
}
