package dev.quarry.provider.bedrock.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.aws.EventStreamCodec;
import dev.quarry.aws.EventStreamMessage;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.Usage;
import dev.quarry.provider.wire.BlockSequence;
import dev.quarry.provider.wire.FrameDecoder;
import dev.quarry.provider.wire.Json;
import dev.quarry.provider.wire.UpstreamBody;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes a ConverseStream answer: {@code application/vnd.amazon.eventstream} frames whose
 * {@code :event-type} names the event and whose payload is its JSON ({@code messageStart},
 * {@code contentBlockStart}/{@code Delta}/{@code Stop}, {@code messageStop}, {@code metadata});
 * exception frames become canonical errors.
 *
 * <p>Bedrock opens a tool-use block with {@code contentBlockStart}, but text and reasoning blocks
 * often begin with their first delta, so a delta for a block not yet open opens it. The answer is
 * complete when both {@code messageStop} (the stop reason) and {@code metadata} (the usage) have come.
 */
public final class ConverseStreamDecoder extends FrameDecoder<EventStreamMessage> {
    private final InputStream body;
    private final String requestId;
    private final String model;
    private final BlockSequence blocks = new BlockSequence(this::emit);
    private StopReason stopReason;
    private Usage usage;

    /**
     * @param requestId Bedrock's id of the call ({@code x-amzn-RequestId}), the message id; the stream names none
     * @param model     the model id called, which the stream does not repeat
     */
    public ConverseStreamDecoder(UpstreamBody upstream, String requestId, String model) {
        super(upstream);
        this.body = upstream.body();
        this.requestId = requestId;
        this.model = model;
    }

    @Override
    protected EventStreamMessage readFrame() throws IOException {
        return EventStreamCodec.read(body);
    }

    @Override
    protected void onFrame(EventStreamMessage frame) {
        switch (frame.messageType().orElse("event")) {
            case "event" -> event(frame.text(EventStreamMessage.EVENT_TYPE).orElse(""), json(frame.payloadText()));
            case "exception" -> throw BedrockErrors.fromException(provider,
                    frame.text(EventStreamMessage.EXCEPTION_TYPE).orElse("exception"), frame.payloadText()).exception();
            default -> throw QuarryException.of(ErrorKind.UPSTREAM_ERROR, "Provider '" + provider + "' failed while answering ("
                    + frame.text(EventStreamMessage.ERROR_CODE).orElse("error") + "): " + frame.text(EventStreamMessage.ERROR_MESSAGE).orElse(""));
        }
    }

    @Override
    protected void onEnd() {
        throw endedEarly(); // a whole answer always ends with messageStop and metadata
    }

    private void event(String type, JsonNode data) {
        start(requestId, model);
        int index = data.path("contentBlockIndex").asInt();
        switch (type) {
            case "contentBlockStart" -> {
                JsonNode toolUse = data.path("start").path("toolUse");
                // Other kinds of start (results of tools Bedrock runs itself) have no canonical block; their deltas find none open.
                if (toolUse.isObject()) {
                    blocks.open(index, new ContentBlock.ToolUse(Json.textOrEmpty(toolUse, "toolUseId"), Json.textOrEmpty(toolUse, "name"), "", ToolKind.FUNCTION));
                }
            }
            case "contentBlockDelta" -> delta(index, data.path("delta"));
            case "contentBlockStop" -> {
                if (blocks.isOpen(index)) blocks.close();
            }
            case "messageStop" -> {
                blocks.close();
                stopReason = stopReason(Json.textOrEmpty(data, "stopReason"));
                completeIfWhole();
            }
            case "metadata" -> {
                usage = usage(data.path("usage"));
                completeIfWhole();
            }
            default -> { } // messageStart says only the role; events added later carry nothing canonical
        }
    }

    private void delta(int index, JsonNode delta) {
        if (delta.has("text")) {
            String text = Json.textOrEmpty(delta, "text");
            int at = blocks.ensureOpen(index, new ContentBlock.Text(""));
            if (!text.isEmpty()) emit(new StreamEvent.TextDelta(at, text));
        } else if (delta.path("toolUse").isObject()) {
            String input = Json.textOrEmpty(delta.get("toolUse"), "input");
            if (blocks.isOpen(index) && !input.isEmpty()) emit(new StreamEvent.ToolInputDelta(blocks.openIndex(), input));
        } else if (delta.path("reasoningContent").isObject()) {
            JsonNode reasoning = delta.get("reasoningContent");
            String text = Json.text(reasoning, "text");
            String signature = Json.text(reasoning, "signature");
            // redactedContent alone (encrypted reasoning) has no canonical form and opens nothing.
            if (text == null && signature == null) return;
            int at = blocks.ensureOpen(index, new ContentBlock.Reasoning("", null));
            emit(new StreamEvent.ReasoningDelta(at, text == null ? "" : text, signature));
        }
    }

    private void completeIfWhole() {
        if (stopReason == null || usage == null) return;
        emit(new StreamEvent.UsageReport(usage));
        emit(new StreamEvent.MessageStop(stopReason));
        finish();
    }

    /** Bedrock counts input the canonical way: cache reads and writes apart from {@code inputTokens}. */
    static Usage usage(JsonNode usage) {
        return new Usage(usage.path("inputTokens").asLong(), usage.path("outputTokens").asLong(),
                usage.path("cacheReadInputTokens").asLong(), usage.path("cacheWriteInputTokens").asLong());
    }

    static StopReason stopReason(String reason) {
        return switch (reason) {
            case "tool_use" -> StopReason.TOOL_USE;
            case "max_tokens", "model_context_window_exceeded" -> StopReason.MAX_TOKENS;
            case "stop_sequence" -> StopReason.STOP_SEQUENCE;
            case "guardrail_intervened", "content_filtered" -> StopReason.CONTENT_FILTERED;
            default -> StopReason.END_TURN;
        };
    }
}
