package dev.quarry.surface.bedrock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.aws.EventStreamCodec;
import dev.quarry.aws.EventStreamMessage;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.Usage;
import dev.quarry.surface.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Canonical stream → ConverseStream event frames, in Bedrock's order: {@code messageStart}; per
 * block a {@code contentBlockStart} (tool calls only, as Bedrock sends none for text), deltas and
 * {@code contentBlockStop}; {@code messageStop}; then {@code metadata} with the usage and latency.
 * The canonical usage arrives before the stop, so it is held until the stop has been sent.
 *
 * <p>A failure after the stream began becomes an exception frame, and nothing follows it.
 * Each frame is flushed as it is written; a client that went away surfaces as
 * {@link UncheckedIOException}.
 */
public final class ConverseStreamEncoder {
    private final OutputStream out;
    private final LongSupplier latencyMillis;
    private final Supplier<ObjectNode> trace;
    private final Map<Integer, Integer> wireIndex = new HashMap<>();
    private Usage usage = Usage.ZERO;

    /** @param latencyMillis how long the call has taken so far, read when the stream ends */
    public ConverseStreamEncoder(OutputStream out, LongSupplier latencyMillis) {
        this(out, latencyMillis, () -> null);
    }

    /** @param trace the {@code trace} for the metadata event (a guardrail's assessments), read when the stream ends; {@code null}: none */
    public ConverseStreamEncoder(OutputStream out, LongSupplier latencyMillis, Supplier<ObjectNode> trace) {
        this.out = out;
        this.latencyMillis = latencyMillis;
        this.trace = trace;
    }

    public void write(EventStream events) {
        try {
            while (events.hasNext()) on(events.next());
        } catch (QuarryException e) {
            send(BedrockErrors.exceptionFrame(e.error()));
        }
    }

    private void on(StreamEvent event) {
        switch (event) {
            case StreamEvent.MessageStart s -> emit("messageStart", Json.object().put("role", "assistant"));
            case StreamEvent.BlockStart s -> start(s.index(), s.block());
            case StreamEvent.TextDelta d -> delta(d.index(), Json.object().put("text", d.text()));
            case StreamEvent.ToolInputDelta d -> delta(d.index(), Json.object().set("toolUse", Json.object().put("input", d.fragment())));
            case StreamEvent.ReasoningDelta d -> {
                if (!d.text().isEmpty()) delta(d.index(), Json.object().set("reasoningContent", Json.object().put("text", d.text())));
                if (d.signature() != null) {
                    delta(d.index(), Json.object().set("reasoningContent", Json.object().put("signature", d.signature())));
                }
            }
            case StreamEvent.BlockStop s -> {
                Integer index = wireIndex.get(s.index());
                if (index != null) emit("contentBlockStop", Json.object().put("contentBlockIndex", index));
            }
            case StreamEvent.UsageReport u -> usage = u.usage();
            case StreamEvent.MessageStop s -> {
                emit("messageStop", Json.object().put("stopReason", ConverseEncoder.stopReason(s.reason())));
                ObjectNode metadata = Json.object();
                metadata.set("usage", ConverseEncoder.usage(usage));
                metadata.set("metrics", ConverseEncoder.metrics(latencyMillis.getAsLong()));
                ObjectNode t = trace.get();
                if (t != null) metadata.set("trace", t);
                emit("metadata", metadata);
            }
        }
    }

    /** Gives an answer block the next wire index (input-only kinds are not sent) and sends what its start carries. */
    private void start(int canonicalIndex, ContentBlock block) {
        switch (block) {
            case ContentBlock.ToolUse use -> {
                int index = open(canonicalIndex);
                ObjectNode start = Json.object().set("toolUse", Json.object().put("toolUseId", use.id()).put("name", use.name()));
                emit("contentBlockStart", Json.object().put("contentBlockIndex", index).set("start", start));
                if (!use.input().isEmpty()) delta(canonicalIndex, Json.object().set("toolUse", Json.object().put("input", use.input())));
            }
            case ContentBlock.Text text -> {
                open(canonicalIndex);
                if (!text.text().isEmpty()) delta(canonicalIndex, Json.object().put("text", text.text()));
            }
            case ContentBlock.Reasoning reasoning -> {
                open(canonicalIndex);
                if (!reasoning.text().isEmpty()) {
                    delta(canonicalIndex, Json.object().set("reasoningContent", Json.object().put("text", reasoning.text())));
                }
            }
            case ContentBlock.Image _, ContentBlock.Document _, ContentBlock.ToolResult _, ContentBlock.CachePoint _ -> { }
        }
    }

    private int open(int canonicalIndex) {
        int index = wireIndex.size();
        wireIndex.put(canonicalIndex, index);
        return index;
    }

    private void delta(int canonicalIndex, ObjectNode delta) {
        Integer index = wireIndex.get(canonicalIndex);
        if (index != null) emit("contentBlockDelta", Json.object().put("contentBlockIndex", index).set("delta", delta));
    }

    private void emit(String eventType, ObjectNode payload) {
        send(EventStreamMessage.event(eventType, Json.bytes(payload)));
    }

    private void send(EventStreamMessage frame) {
        try {
            EventStreamCodec.write(frame, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
