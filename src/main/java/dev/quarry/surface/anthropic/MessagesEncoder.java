package dev.quarry.surface.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ChatResponse;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.Usage;
import dev.quarry.surface.Json;
import dev.quarry.surface.SseWriter;
import java.util.HashMap;
import java.util.Map;

/**
 * Canonical answers → Anthropic Messages: a {@code message} object, or its event stream.
 *
 * <p>The stream is the one Anthropic sends: {@code message_start}, a {@code ping}, per content
 * block {@code content_block_start} → deltas → {@code content_block_stop}, then one
 * {@code message_delta} (stop reason and usage) and {@code message_stop}. A failure after the
 * stream began becomes an {@code error} event, after which nothing more is sent.
 *
 * <p>Usage is known only when the canonical stream ends. So {@code message_start} reports the
 * estimated input (what count_tokens answers), and {@code message_delta} the whole final usage,
 * input and cache counts included, as Anthropic's current API does: the SDKs' accumulators take
 * every count {@code message_delta} carries, so the accumulated message ends with the real numbers.
 *
 * @param id    the {@code msg_…} id
 * @param model the model name to report (the one the client asked for)
 */
public record MessagesEncoder(String id, String model) {

    public byte[] encode(ChatResponse response) {
        ArrayNode content = Json.MAPPER.createArrayNode();
        for (ContentBlock block : response.content()) {
            ObjectNode wire = block(block);
            if (wire != null) content.add(wire);
        }
        return Json.bytes(message(content, response.stopReason(), response.usage()));
    }

    /** @param inputEstimate the input tokens to report before the real count is known */
    public void stream(EventStream events, SseWriter out, long inputEstimate) {
        new Writer(out, inputEstimate).run(events);
    }

    /** Writes one stream; maps canonical block indexes to the indexes of the blocks actually sent. */
    private final class Writer {
        private final SseWriter out;
        private final long inputEstimate;
        private final Map<Integer, Integer> wireIndex = new HashMap<>();
        private Usage usage = Usage.ZERO;

        Writer(SseWriter out, long inputEstimate) {
            this.out = out;
            this.inputEstimate = inputEstimate;
        }

        void run(EventStream events) {
            try {
                while (events.hasNext()) on(events.next());
            } catch (QuarryException e) {
                out.event("error", Json.write(AnthropicErrors.body(e.error())));
            }
        }

        private void on(StreamEvent event) {
            switch (event) {
                case StreamEvent.MessageStart s -> {
                    emit("message_start", Json.object().set("message",
                            message(Json.MAPPER.createArrayNode(), null, new Usage(inputEstimate, 0, 0, 0))));
                    emit("ping", Json.object());
                }
                case StreamEvent.BlockStart s -> start(s.index(), s.block());
                case StreamEvent.TextDelta d -> text(d.index(), d.text());
                case StreamEvent.ToolInputDelta d ->
                        delta(d.index(), Json.object().put("type", "input_json_delta").put("partial_json", d.fragment()));
                case StreamEvent.ReasoningDelta d -> {
                    if (!d.text().isEmpty()) delta(d.index(), Json.object().put("type", "thinking_delta").put("thinking", d.text()));
                    if (d.signature() != null) {
                        delta(d.index(), Json.object().put("type", "signature_delta").put("signature", d.signature()));
                    }
                }
                case StreamEvent.BlockStop s -> {
                    Integer index = wireIndex.get(s.index());
                    if (index != null) emit("content_block_stop", Json.object().put("index", index));
                }
                case StreamEvent.UsageReport u -> usage = u.usage();
                case StreamEvent.MessageStop s -> {
                    ObjectNode messageDelta = Json.object();
                    messageDelta.putObject("delta").put("stop_reason", stopReason(s.reason())).putNull("stop_sequence");
                    messageDelta.set("usage", usage(usage));
                    emit("message_delta", messageDelta);
                    emit("message_stop", Json.object());
                }
            }
        }

        private void start(int canonicalIndex, ContentBlock block) {
            if (block instanceof ContentBlock.ToolUse use) {
                // The input goes in deltas, as Anthropic sends it: the start holds an empty object and a
                // first (often empty) fragment follows, which the Java SDK's accumulator requires.
                ObjectNode start = Json.object().put("type", "tool_use").put("id", use.id()).put("name", use.name());
                start.putObject("input");
                emit("content_block_start", Json.object().put("index", open(canonicalIndex)).set("content_block", start));
                delta(canonicalIndex, Json.object().put("type", "input_json_delta").put("partial_json", use.input()));
                return;
            }
            ObjectNode start = block(block);
            if (start != null) emit("content_block_start", Json.object().put("index", open(canonicalIndex)).set("content_block", start));
        }

        /** Gives a canonical block the next wire index: blocks that are not sent take none. */
        private int open(int canonicalIndex) {
            int index = wireIndex.size();
            wireIndex.put(canonicalIndex, index);
            return index;
        }

        private void delta(int canonicalIndex, ObjectNode delta) {
            Integer index = wireIndex.get(canonicalIndex);
            if (index != null) emit("content_block_delta", Json.object().put("index", index).set("delta", delta));
        }

        /** Most of a stream: written directly, the same bytes {@link #delta} would build as a tree. */
        private void text(int canonicalIndex, String text) {
            Integer index = wireIndex.get(canonicalIndex);
            if (index == null) return;
            StringBuilder json = new StringBuilder(text.length() + 96).append("{\"type\":\"content_block_delta\",\"index\":").append(index)
                    .append(",\"delta\":{\"type\":\"text_delta\",\"text\":");
            out.event("content_block_delta", Json.appendQuoted(json, text).append("}}").toString());
        }

        private void emit(String type, ObjectNode event) {
            ObjectNode framed = Json.object().put("type", type);
            framed.setAll(event);
            out.event(type, Json.write(framed));
        }
    }

    /** The message object; {@code stop == null} while it is still being streamed. */
    private ObjectNode message(ArrayNode content, StopReason stop, Usage usage) {
        ObjectNode message = Json.object().put("id", id).put("type", "message").put("role", "assistant");
        message.set("content", content);
        message.put("model", model).put("stop_reason", stop == null ? null : stopReason(stop)).putNull("stop_sequence");
        message.set("usage", usage(usage));
        return message;
    }

    /**
     * The wire form of a block of the answer, or {@code null} for the kinds that are only ever
     * input (images, documents, tool results, cache points), which a model's answer does not hold.
     */
    private static ObjectNode block(ContentBlock block) {
        return switch (block) {
            case ContentBlock.Text t -> Json.object().put("type", "text").put("text", t.text());
            case ContentBlock.ToolUse u -> {
                ObjectNode use = Json.object().put("type", "tool_use").put("id", u.id()).put("name", u.name());
                use.set("input", toolInput(u));
                yield use;
            }
            // Anthropic's thinking blocks always carry a signature; an unsigned one (from another provider) has an empty one.
            case ContentBlock.Reasoning r -> Json.object().put("type", "thinking").put("thinking", r.text())
                    .put("signature", r.signature() == null ? "" : r.signature());
            case ContentBlock.Image _, ContentBlock.Document _, ContentBlock.ToolResult _, ContentBlock.CachePoint _ -> null;
        };
    }

    /** A tool call's input, which Anthropic's {@code tool_use} block requires to be a JSON object. */
    private static JsonNode toolInput(ContentBlock.ToolUse use) {
        if (use.input().isBlank()) return Json.object();
        try {
            JsonNode input = Json.MAPPER.readTree(use.input());
            if (input instanceof ObjectNode) return input;
        } catch (JsonProcessingException e) {
            // reported below, with the tool's name
        }
        throw QuarryException.of(ErrorKind.UPSTREAM_ERROR,
                "The model called tool '" + use.name() + "' with an input that is not a JSON object.");
    }

    private static ObjectNode usage(Usage usage) {
        return Json.object()
                .put("input_tokens", usage.inputTokens())
                .put("cache_creation_input_tokens", usage.cacheWriteTokens())
                .put("cache_read_input_tokens", usage.cacheReadTokens())
                .put("output_tokens", usage.outputTokens());
    }

    private static String stopReason(StopReason reason) {
        return switch (reason) {
            case END_TURN -> "end_turn";
            case TOOL_USE -> "tool_use";
            case MAX_TOKENS -> "max_tokens";
            case STOP_SEQUENCE -> "stop_sequence";
            case CONTENT_FILTERED, GUARDRAIL_INTERVENED -> "refusal";
        };
    }
}
