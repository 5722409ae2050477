package dev.quarry.surface.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ChatResponse;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.Usage;
import dev.quarry.surface.Json;
import dev.quarry.surface.SseWriter;
import java.util.HashMap;
import java.util.Map;

/**
 * Canonical answers → Chat Completions: a {@code chat.completion} object, or a stream of
 * {@code chat.completion.chunk}s ending with {@code data: [DONE]}. Reasoning is not part of the
 * Chat Completions wire format and is left out, as OpenAI itself does.
 *
 * @param id      the {@code chatcmpl-…} id of this completion
 * @param model   the model name to report (the one the client asked for)
 * @param created epoch seconds
 */
public record ChatCompletionsEncoder(String id, String model, long created) {

    public byte[] encode(ChatResponse response) {
        ObjectNode message = Json.object().put("role", "assistant");
        String text = response.text();
        message.put("content", text.isEmpty() && !response.toolUses().isEmpty() ? null : text);
        message.putNull("refusal");
        if (!response.toolUses().isEmpty()) {
            ArrayNode calls = message.putArray("tool_calls");
            for (ContentBlock.ToolUse use : response.toolUses()) calls.add(toolCall(use, use.input()));
        }
        ObjectNode root = header("chat.completion");
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.set("message", message);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(response.stopReason()));
        root.set("usage", OpenAiUsage.chat(response.usage()));
        return Json.bytes(root);
    }

    /**
     * Writes the stream as SSE chunks. A failure after the first chunk cannot change the HTTP
     * status any more, so it is sent as an OpenAI error object in a data line, as OpenAI does.
     */
    public void stream(EventStream events, SseWriter out, boolean includeUsage) {
        TextChunk text = new TextChunk(chunk(Json.object().put("content", ""), null, includeUsage));
        Map<Integer, ObjectNode> openCalls = new HashMap<>();
        Usage usage = Usage.ZERO;
        try {
            while (events.hasNext()) {
                switch (events.next()) {
                    case StreamEvent.MessageStart s -> out.data(chunk(Json.object().put("role", "assistant").put("content", ""), null, includeUsage));
                    case StreamEvent.BlockStart s when s.block() instanceof ContentBlock.ToolUse use -> {
                        ObjectNode call = toolCall(use, "").put("index", openCalls.size());
                        openCalls.put(s.index(), call);
                        out.data(chunk(toolCallsDelta(call), null, includeUsage));
                    }
                    case StreamEvent.TextDelta d -> out.data(text.with(d.text()));
                    case StreamEvent.ToolInputDelta d -> {
                        ObjectNode opened = openCalls.get(d.index());
                        ObjectNode call = Json.object().put("index", opened.get("index").intValue());
                        if (opened.has("custom")) call.putObject("custom").put("input", d.fragment());
                        else call.putObject("function").put("arguments", d.fragment());
                        out.data(chunk(toolCallsDelta(call), null, includeUsage));
                    }
                    case StreamEvent.UsageReport u -> usage = u.usage();
                    case StreamEvent.MessageStop s -> out.data(chunk(Json.object(), finishReason(s.reason()), includeUsage));
                    default -> { /* block boundaries and reasoning have no Chat Completions chunk */ }
                }
            }
        } catch (QuarryException e) {
            out.data(Json.write(OpenAiErrors.body(e.error())));
            return;
        }
        if (includeUsage) {
            ObjectNode last = header("chat.completion.chunk");
            last.putArray("choices");
            last.set("usage", OpenAiUsage.chat(usage));
            out.data(Json.write(last));
        }
        out.data("[DONE]");
    }

    /**
     * A text chunk, most of a stream, written around its one varying field: the rest of the chunk
     * is the same for the whole stream, so it is serialized once, from an empty-content chunk.
     */
    private static final class TextChunk {
        private static final String EMPTY = "{\"content\":\"\"}";
        private final String before;
        private final String after;

        TextChunk(String emptyChunk) {
            int at = emptyChunk.indexOf(EMPTY) + "{\"content\":".length();
            before = emptyChunk.substring(0, at);
            after = emptyChunk.substring(at + 2);
        }

        String with(String text) {
            StringBuilder json = new StringBuilder(before.length() + text.length() + after.length() + 8).append(before);
            return Json.appendQuoted(json, text).append(after).toString();
        }
    }

    private String chunk(ObjectNode delta, String finishReason, boolean includeUsage) {
        ObjectNode root = header("chat.completion.chunk");
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        if (includeUsage) root.putNull("usage");
        return Json.write(root);
    }

    private ObjectNode header(String object) {
        return Json.object().put("id", id).put("object", object).put("created", created).put("model", model)
                .putNull("system_fingerprint");
    }

    private static ObjectNode toolCallsDelta(ObjectNode call) {
        ObjectNode delta = Json.object();
        delta.putArray("tool_calls").add(call);
        return delta;
    }

    private static ObjectNode toolCall(ContentBlock.ToolUse use, String input) {
        ObjectNode call = Json.object().put("id", use.id());
        if (use.kind() == ToolKind.CUSTOM) {
            call.put("type", "custom").putObject("custom").put("name", use.name()).put("input", input);
        } else {
            call.put("type", "function").putObject("function").put("name", use.name()).put("arguments", input);
        }
        return call;
    }

    static String finishReason(StopReason reason) {
        return switch (reason) {
            case END_TURN, STOP_SEQUENCE -> "stop";
            case MAX_TOKENS -> "length";
            case TOOL_USE -> "tool_calls";
            case CONTENT_FILTERED, GUARDRAIL_INTERVENED -> "content_filter";
        };
    }
}
