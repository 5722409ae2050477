package dev.quarry.surface.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ChatResponse;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.Fold;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.Usage;
import dev.quarry.surface.Json;
import dev.quarry.surface.SseWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Canonical answers → Responses API: a {@code response} object, or its event stream.
 *
 * <p>The stream follows the order Codex relies on: {@code response.created}, then per output
 * item {@code output_item.added} → deltas → {@code output_item.done} (Codex acts only on the
 * done item), then exactly one terminal event: {@code response.completed}, {@code
 * response.incomplete} (output cut by the token limit or a content filter) or {@code
 * response.failed}. Every event carries a {@code sequence_number}.
 *
 * @param id        the {@code resp_…} id
 * @param model     the model name to report
 * @param createdAt epoch seconds
 */
public record ResponsesEncoder(String id, String model, long createdAt) {

    public byte[] encode(ChatResponse answer) {
        ArrayNode output = Json.MAPPER.createArrayNode();
        List<ContentBlock> content = answer.content();
        for (int i = 0; i < content.size(); i++) {
            ObjectNode item = item(content.get(i), i, "completed");
            if (item != null) output.add(item);
        }
        return Json.bytes(response(answer.stopReason(), output, answer.usage()));
    }

    public void stream(EventStream events, SseWriter out) {
        new Writer(out).run(events);
    }

    /** Writes one stream; holds the sequence counter and the items finished so far. */
    private final class Writer {
        private final SseWriter out;
        private final ArrayNode done = Json.MAPPER.createArrayNode();
        private final Fold fold = new Fold();
        /** The opening form of each block, by index: its kind and identity. */
        private final List<ContentBlock> started = new ArrayList<>();
        private int sequence;

        Writer(SseWriter out) {
            this.out = out;
        }

        void run(EventStream events) {
            emit("response.created", Json.object().set("response", response(null, Json.MAPPER.createArrayNode(), null)));
            emit("response.in_progress", Json.object().set("response", response(null, Json.MAPPER.createArrayNode(), null)));
            try {
                while (events.hasNext()) {
                    StreamEvent event = events.next();
                    fold.accept(event);
                    on(event);
                }
            } catch (QuarryException e) {
                ObjectNode failed = response(null, done, fold.usage()).put("status", "failed");
                failed.putObject("error").put("code", OpenAiErrors.code(e.error())).put("message", e.error().message());
                emit("response.failed", Json.object().set("response", failed));
                return;
            }
            ChatResponse answer = fold.result();
            ObjectNode last = response(answer.stopReason(), done, answer.usage());
            String status = last.get("status").asText();
            emit(status.equals("completed") ? "response.completed" : "response.incomplete", Json.object().set("response", last));
        }

        private void on(StreamEvent event) {
            switch (event) {
                case StreamEvent.BlockStart s -> {
                    started.add(s.block());
                    ObjectNode item = item(s.block(), s.index(), "in_progress");
                    if (item == null) return;
                    emit("response.output_item.added", Json.object().put("output_index", s.index()).set("item", item));
                    if (s.block() instanceof ContentBlock.Text) {
                        emit("response.content_part.added", at(s.index()).put("content_index", 0).set("part", textPart("")));
                    }
                }
                case StreamEvent.TextDelta d -> emit("response.output_text.delta",
                        at(d.index()).put("content_index", 0).put("delta", d.text()).set("logprobs", Json.MAPPER.createArrayNode()));
                case StreamEvent.ToolInputDelta d -> emit(isCustom(d.index())
                        ? "response.custom_tool_call_input.delta" : "response.function_call_arguments.delta",
                        at(d.index()).put("delta", d.fragment()));
                case StreamEvent.ReasoningDelta d when !d.text().isEmpty() -> emit("response.reasoning_summary_text.delta",
                        at(d.index()).put("summary_index", 0).put("delta", d.text()));
                case StreamEvent.BlockStop s -> finish(s.index());
                default -> { /* message start, usage and stop are reported by the terminal event */ }
            }
        }

        private void finish(int index) {
            ContentBlock block = fold.result().content().get(index);
            ObjectNode item = item(block, index, "completed");
            if (item == null) return;
            switch (block) {
                case ContentBlock.Text t -> {
                    emit("response.output_text.done", at(index).put("content_index", 0).put("text", t.text())
                            .set("logprobs", Json.MAPPER.createArrayNode()));
                    emit("response.content_part.done", at(index).put("content_index", 0).set("part", textPart(t.text())));
                }
                case ContentBlock.ToolUse u when u.kind() == ToolKind.CUSTOM ->
                        emit("response.custom_tool_call_input.done", at(index).put("input", u.input()));
                case ContentBlock.ToolUse u -> emit("response.function_call_arguments.done",
                        at(index).put("name", u.name()).put("arguments", u.input()));
                default -> { }
            }
            done.add(item);
            emit("response.output_item.done", Json.object().put("output_index", index).set("item", item));
        }

        private boolean isCustom(int index) {
            return started.get(index) instanceof ContentBlock.ToolUse u && u.kind() == ToolKind.CUSTOM;
        }

        private ObjectNode at(int index) {
            return Json.object().put("item_id", itemId(started.get(index), index)).put("output_index", index);
        }

        private void emit(String type, ObjectNode event) {
            ObjectNode framed = Json.object().put("type", type).put("sequence_number", sequence++);
            framed.setAll(event);
            out.event(type, Json.write(framed));
        }
    }

    /** The response object; {@code stop == null} means still in progress. */
    private ObjectNode response(StopReason stop, ArrayNode output, Usage usage) {
        ObjectNode r = Json.object().put("id", id).put("object", "response").put("created_at", createdAt);
        if (stop == null) {
            r.put("status", "in_progress").putNull("incomplete_details");
        } else if (stop == StopReason.MAX_TOKENS || stop == StopReason.CONTENT_FILTERED || stop == StopReason.GUARDRAIL_INTERVENED) {
            r.put("status", "incomplete").putObject("incomplete_details")
                    .put("reason", stop == StopReason.MAX_TOKENS ? "max_output_tokens" : "content_filter");
        } else {
            r.put("status", "completed").putNull("incomplete_details");
        }
        r.putNull("error").put("model", model).set("output", output);
        r.put("parallel_tool_calls", true).put("tool_choice", "auto").putNull("temperature").putNull("top_p");
        r.putArray("tools");
        r.putObject("metadata");
        if (usage != null) r.set("usage", OpenAiUsage.responses(usage));
        else r.putNull("usage");
        return r;
    }

    /** The output item for a block, or {@code null} for blocks that are not output items. */
    private ObjectNode item(ContentBlock block, int index, String status) {
        String itemId = itemId(block, index);
        return switch (block) {
            case ContentBlock.Text t -> {
                ObjectNode m = Json.object().put("type", "message").put("id", itemId).put("status", status).put("role", "assistant");
                ArrayNode parts = m.putArray("content");
                if (status.equals("completed")) parts.add(textPart(t.text()));
                yield m;
            }
            case ContentBlock.ToolUse u when u.kind() == ToolKind.CUSTOM -> Json.object().put("type", "custom_tool_call")
                    .put("id", itemId).put("status", status).put("call_id", u.id()).put("name", u.name()).put("input", u.input());
            case ContentBlock.ToolUse u -> Json.object().put("type", "function_call").put("id", itemId).put("status", status)
                    .put("call_id", u.id()).put("name", u.name()).put("arguments", u.input());
            case ContentBlock.Reasoning r -> {
                ObjectNode item = Json.object().put("type", "reasoning").put("id", itemId);
                ArrayNode summary = item.putArray("summary");
                if (!r.text().isEmpty()) summary.addObject().put("type", "summary_text").put("text", r.text());
                if (r.signature() != null) item.put("encrypted_content", r.signature());
                yield item;
            }
            default -> null;
        };
    }

    /** Item ids are derived from the response id, so they are unique and stable within a response. */
    private String itemId(ContentBlock block, int index) {
        String prefix = switch (block) {
            case ContentBlock.Text t -> "msg";
            case ContentBlock.ToolUse u -> u.kind() == ToolKind.CUSTOM ? "ctc" : "fc";
            case ContentBlock.Reasoning r -> "rs";
            default -> "item";
        };
        return prefix + "_" + id.substring(id.indexOf('_') + 1) + "_" + index;
    }

    private static ObjectNode textPart(String text) {
        ObjectNode part = Json.object().put("type", "output_text").put("text", text);
        part.putArray("annotations");
        return part;
    }
}
