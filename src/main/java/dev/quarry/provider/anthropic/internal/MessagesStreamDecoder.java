package dev.quarry.provider.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.Usage;
import dev.quarry.provider.SseReader;
import dev.quarry.provider.wire.BlockSequence;
import dev.quarry.provider.wire.Json;
import dev.quarry.provider.wire.SseDecoder;
import dev.quarry.provider.wire.UpstreamBody;
import java.util.function.Function;

/**
 * Decodes a streamed Anthropic Messages answer into canonical events: {@code message_start}, then per
 * content block {@code content_block_start}, its deltas and {@code content_block_stop}, then
 * {@code message_delta} (stop reason, cumulative usage) and {@code message_stop}. A whole answer (a
 * call that did not stream) is one {@code message}, decoded into the events its stream would have had.
 *
 * <p>Blocks Quarry has no canonical kind for (server tool calls and their results, redacted
 * thinking, whose encrypted payload no other API could carry back) are skipped with their deltas,
 * so canonical indexes are renumbered rather than copied. Events are told apart by their JSON
 * {@code type}, which Anthropic repeats as the SSE event name.
 */
public final class MessagesStreamDecoder extends SseDecoder {
    private final BlockSequence blocks = new BlockSequence(this::emit);
    private Usage usage = Usage.ZERO;
    private StopReason stopReason;
    private boolean toolCalled;

    public MessagesStreamDecoder(UpstreamBody upstream) {
        this(upstream, Framing.EVENTS);
    }

    public MessagesStreamDecoder(UpstreamBody upstream, Framing framing) {
        super(upstream, framing);
    }

    @Override
    protected void onFrame(SseReader.Event event) {
        JsonNode data = json(event.data());
        String type = Json.text(data, "type");
        switch (type == null ? event.event() : type) {
            case "message_start" -> messageStart(data.path("message"));
            case "content_block_start" -> blockStart(data.path("index").asInt(), data.path("content_block"));
            case "content_block_delta" -> delta(data.path("index").asInt(), data.path("delta"));
            case "content_block_stop" -> {
                if (blocks.isOpen(data.path("index").asInt())) blocks.close();
            }
            case "message_delta" -> messageDelta(data);
            case "message_stop" -> complete();
            case "message" -> {
                // A whole answer names its type; a 200 body that does not (a proxy's page, {}) must not pass for an empty answer.
                if (type == null) {
                    throw QuarryException.of(ErrorKind.UPSTREAM_ERROR, "Provider '" + provider + "' answered with a body that is not a message: "
                            + Json.excerpt(event.data()));
                }
                whole(data);
            }
            case "error" -> throw AnthropicErrors.fromEvent(provider, data.path("error")).exception();
            default -> { } // ping, and event types added after this was written, which Anthropic asks clients to ignore
        }
    }

    @Override
    protected void onEnd() {
        throw endedEarly(); // a whole answer always ends with message_stop
    }

    private void messageStart(JsonNode message) {
        start(Json.text(message, "id"), Json.text(message, "model"));
        usage = AnthropicUsage.merge(usage, message.path("usage"));
    }

    /**
     * A whole answer, from a call that did not stream: the events its stream would have carried. A
     * block's start takes the text or thinking in it; a tool's input comes whole where the stream has
     * pieces of it, and a signature as the stream's signature delta does.
     */
    private void whole(JsonNode message) {
        messageStart(message);
        JsonNode content = message.path("content");
        for (int index = 0; index < content.size(); index++) {
            JsonNode block = content.get(index);
            blockStart(index, block);
            if (!blocks.isOpen(index)) continue;
            int at = blocks.openIndex();
            JsonNode input = block.path("input");
            // A stream sends no input for a call without arguments, only an empty fragment.
            if (input.isContainerNode() && !input.isEmpty()) emit(new StreamEvent.ToolInputDelta(at, input.toString()));
            emitIfAny(Json.textOrEmpty(block, "signature"), signature -> new StreamEvent.ReasoningDelta(at, "", signature));
        }
        String reason = Json.text(message, "stop_reason");
        if (reason != null) stopReason = stopReason(reason);
        complete();
    }

    private void blockStart(int index, JsonNode block) {
        ContentBlock canonical = switch (Json.textOrEmpty(block, "type")) {
            case "text" -> new ContentBlock.Text("");
            case "tool_use" -> new ContentBlock.ToolUse(Json.textOrEmpty(block, "id"), Json.textOrEmpty(block, "name"), "", ToolKind.FUNCTION);
            case "thinking" -> new ContentBlock.Reasoning("", null);
            default -> null;
        };
        if (canonical == null) {
            blocks.close();
            return;
        }
        if (canonical instanceof ContentBlock.ToolUse) toolCalled = true;
        int at = blocks.open(index, canonical);
        // Blocks start empty on the wire as documented, but a start that carries content must not lose it.
        String text = Json.textOrEmpty(block, canonical instanceof ContentBlock.Reasoning ? "thinking" : "text");
        if (!text.isEmpty()) emit(canonical instanceof ContentBlock.Reasoning
                ? new StreamEvent.ReasoningDelta(at, text, null) : new StreamEvent.TextDelta(at, text));
    }

    /** Deltas of a skipped block find no open block under their index and are dropped with it. */
    private void delta(int index, JsonNode delta) {
        if (!blocks.isOpen(index)) return;
        int at = blocks.openIndex();
        switch (Json.textOrEmpty(delta, "type")) {
            case "text_delta" -> emitIfAny(Json.textOrEmpty(delta, "text"), text -> new StreamEvent.TextDelta(at, text));
            // The first fragment of a tool's input is often empty.
            case "input_json_delta" -> emitIfAny(Json.textOrEmpty(delta, "partial_json"), json -> new StreamEvent.ToolInputDelta(at, json));
            case "thinking_delta" -> emitIfAny(Json.textOrEmpty(delta, "thinking"), text -> new StreamEvent.ReasoningDelta(at, text, null));
            case "signature_delta" -> emitIfAny(Json.textOrEmpty(delta, "signature"), signature -> new StreamEvent.ReasoningDelta(at, "", signature));
            default -> { } // citations_delta and newer kinds carry nothing the canonical blocks hold
        }
    }

    private void emitIfAny(String value, Function<String, StreamEvent> event) {
        if (!value.isEmpty()) emit(event.apply(value));
    }

    private void messageDelta(JsonNode data) {
        String reason = Json.text(data.path("delta"), "stop_reason");
        if (reason != null) stopReason = stopReason(reason);
        usage = AnthropicUsage.merge(usage, data.path("usage"));
    }

    private void complete() {
        start(null, null);
        blocks.close();
        emit(new StreamEvent.UsageReport(usage));
        emit(new StreamEvent.MessageStop(stopReason != null ? stopReason : toolCalled ? StopReason.TOOL_USE : StopReason.END_TURN));
        finish();
    }

    static StopReason stopReason(String reason) {
        return switch (reason) {
            case "max_tokens", "model_context_window_exceeded" -> StopReason.MAX_TOKENS;
            case "stop_sequence" -> StopReason.STOP_SEQUENCE;
            case "tool_use" -> StopReason.TOOL_USE;
            case "refusal" -> StopReason.CONTENT_FILTERED;
            // end_turn, and pause_turn: a long server-side turn paused, which the client resumes by sending it back.
            default -> StopReason.END_TURN;
        };
    }
}
