package dev.quarry.provider.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.ToolKind;
import dev.quarry.provider.SseReader;
import dev.quarry.provider.wire.BlockSequence;
import dev.quarry.provider.wire.Json;
import dev.quarry.provider.wire.SseDecoder;
import dev.quarry.provider.wire.UpstreamBody;
import java.util.function.Function;

/**
 * Decodes a streamed Responses answer into canonical events. Each output item (a message, a
 * function or custom tool call, reasoning) becomes one block, announced by
 * {@code response.output_item.added} and closed by {@code response.output_item.done}; items of
 * other types (built-in tools) are skipped with their deltas. Events are told apart by their JSON
 * {@code type}, as OpenAI's own clients do, so a server that omits {@code event:} lines still works.
 */
public final class ResponsesStreamDecoder extends SseDecoder {
    private final BlockSequence blocks = new BlockSequence(this::emit);
    /** The output item being streamed, and the block it becomes; {@code null} when it is skipped. */
    private int itemIndex = -1;
    private ContentBlock itemBlock;
    private boolean deltaSent;
    private int summaryPart;
    private boolean toolCalled;

    public ResponsesStreamDecoder(UpstreamBody upstream) {
        super(upstream);
    }

    @Override
    protected void onFrame(SseReader.Event event) {
        JsonNode data = json(event.data());
        String type = Json.text(data, "type");
        switch (type == null ? event.event() : type) {
            case "response.created" -> start(data.path("response"));
            case "response.output_item.added" -> added(data.path("output_index").asInt(), data.path("item"));
            case "response.output_text.delta", "response.refusal.delta" -> delta(data, text -> new StreamEvent.TextDelta(blocks.openIndex(), text));
            case "response.function_call_arguments.delta", "response.custom_tool_call_input.delta" ->
                    delta(data, fragment -> new StreamEvent.ToolInputDelta(blocks.openIndex(), fragment));
            case "response.reasoning_summary_text.delta" -> summaryDelta(data);
            case "response.reasoning_text.delta" -> delta(data, text -> new StreamEvent.ReasoningDelta(blocks.openIndex(), text, null));
            case "response.output_item.done" -> done(data.path("output_index").asInt(), data.path("item"));
            case "response.completed" -> complete(data.path("response"), toolCalled ? StopReason.TOOL_USE : StopReason.END_TURN);
            case "response.incomplete" -> complete(data.path("response"), incompleteReason(data.path("response")));
            case "response.failed" -> throw OpenAiErrors.fromEvent(provider, data.path("response").path("error")).exception();
            case "error" -> throw OpenAiErrors.fromEvent(provider, data.has("error") ? data.get("error") : data).exception();
            default -> { } // in_progress, content parts, and the *.done events that repeat what the deltas said
        }
    }

    @Override
    protected void onEnd() {
        throw endedEarly(); // a whole answer always ends with response.completed, .incomplete or .failed
    }

    private void start(JsonNode response) {
        start(Json.text(response, "id"), Json.text(response, "model"));
    }

    /**
     * Starts an item. Its block opens at once, except reasoning's: OpenAI announces a reasoning item
     * whenever the model reasoned, and it often carries no text (no summary was asked for).
     */
    private void added(int outputIndex, JsonNode item) {
        start(null, null);
        blocks.close();
        itemIndex = outputIndex;
        itemBlock = switch (Json.textOrEmpty(item, "type")) {
            case "message" -> new ContentBlock.Text("");
            case "function_call" -> toolUse(item, ToolKind.FUNCTION);
            case "custom_tool_call" -> toolUse(item, ToolKind.CUSTOM);
            case "reasoning" -> new ContentBlock.Reasoning("", null);
            default -> null;
        };
        deltaSent = false;
        summaryPart = 0;
        if (itemBlock instanceof ContentBlock.ToolUse) toolCalled = true;
        if (itemBlock != null && !(itemBlock instanceof ContentBlock.Reasoning)) blocks.open(itemIndex, itemBlock);
    }

    private static ContentBlock.ToolUse toolUse(JsonNode item, ToolKind kind) {
        return new ContentBlock.ToolUse(Json.textOrEmpty(item, "call_id"), Json.textOrEmpty(item, "name"), "", kind);
    }

    /** Emits a delta of the current item; deltas of skipped items are skipped with them. */
    private void delta(JsonNode data, Function<String, StreamEvent> event) {
        String delta = Json.textOrEmpty(data, "delta");
        if (delta.isEmpty() || itemBlock == null || data.path("output_index").asInt() != itemIndex) return;
        blocks.ensureOpen(itemIndex, itemBlock);
        emit(event.apply(delta));
        deltaSent = true;
    }

    /** Summary parts are separate paragraphs upstream; a blank line keeps them apart in one block. */
    private void summaryDelta(JsonNode data) {
        int part = data.path("summary_index").asInt();
        String separator = deltaSent && part != summaryPart ? "\n\n" : "";
        summaryPart = part;
        delta(data, text -> new StreamEvent.ReasoningDelta(blocks.openIndex(), separator + text, null));
    }

    /** Closes the item's block, first sending its content whole if no delta carried it. */
    private void done(int outputIndex, JsonNode item) {
        if (outputIndex != itemIndex) added(outputIndex, item); // a server that announces items only when done
        if (itemBlock == null) return;
        String whole = deltaSent ? "" : wholeContent(item);
        if (!whole.isEmpty()) {
            int index = blocks.ensureOpen(itemIndex, itemBlock);
            emit(switch (itemBlock) {
                case ContentBlock.Text _ -> new StreamEvent.TextDelta(index, whole);
                case ContentBlock.Reasoning _ -> new StreamEvent.ReasoningDelta(index, whole, null);
                default -> new StreamEvent.ToolInputDelta(index, whole);
            });
        }
        blocks.close();
        itemIndex = -1;
        itemBlock = null;
    }

    private static String wholeContent(JsonNode item) {
        return switch (Json.textOrEmpty(item, "type")) {
            case "message" -> joined(item.path("content"), "", part -> Json.textOrEmpty(part, part.has("refusal") ? "refusal" : "text"));
            case "function_call" -> Json.textOrEmpty(item, "arguments");
            case "custom_tool_call" -> Json.textOrEmpty(item, "input");
            case "reasoning" -> joined(item.path("summary"), "\n\n", part -> Json.textOrEmpty(part, "text"));
            default -> "";
        };
    }

    private static String joined(JsonNode parts, String separator, Function<JsonNode, String> text) {
        StringBuilder out = new StringBuilder();
        for (JsonNode part : parts) {
            String piece = text.apply(part);
            if (piece.isEmpty()) continue;
            if (!out.isEmpty()) out.append(separator);
            out.append(piece);
        }
        return out.toString();
    }

    private void complete(JsonNode response, StopReason reason) {
        start(response);
        blocks.close();
        JsonNode usage = response.path("usage");
        if (usage.isObject()) emit(new StreamEvent.UsageReport(OpenAiUsage.ofResponses(usage)));
        emit(new StreamEvent.MessageStop(reason));
        finish();
    }

    private StopReason incompleteReason(JsonNode response) {
        return switch (Json.textOrEmpty(response.path("incomplete_details"), "reason")) {
            case "max_output_tokens" -> StopReason.MAX_TOKENS;
            case "content_filter" -> StopReason.CONTENT_FILTERED;
            default -> toolCalled ? StopReason.TOOL_USE : StopReason.END_TURN;
        };
    }
}
