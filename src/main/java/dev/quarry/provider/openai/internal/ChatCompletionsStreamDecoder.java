package dev.quarry.provider.openai.internal;

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
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Decodes a streamed Chat Completions answer ({@code chat.completion.chunk} events, then
 * {@code [DONE]}) into canonical events; or a whole one ({@code chat.completion}), which is the
 * one chunk of a stream whose choice has a {@code message} where a chunk's has a {@code delta}.
 *
 * <p>OpenAI sends the finish reason before the usage chunk, and the well-formed canonical order is
 * the other way round, so the stop is held until {@code [DONE]} (or the end of the body). Reasoning
 * deltas ({@code reasoning_content} from DeepSeek and vLLM, {@code reasoning} from Ollama) become a
 * reasoning block.
 */
public final class ChatCompletionsStreamDecoder extends SseDecoder {
    private static final String TEXT = "text";
    private static final String REASONING = "reasoning";

    private final BlockSequence blocks = new BlockSequence(this::emit);
    /** Indexes of the tool calls already started: the key of a tool call's block. */
    private final Set<Integer> toolCalls = new HashSet<>();
    private StopReason stopReason;
    private Usage usage;

    public ChatCompletionsStreamDecoder(UpstreamBody upstream) {
        this(upstream, Framing.EVENTS);
    }

    public ChatCompletionsStreamDecoder(UpstreamBody upstream, Framing framing) {
        super(upstream, framing);
    }

    @Override
    protected void onFrame(SseReader.Event event) {
        if (event.data().strip().equals("[DONE]")) {
            complete();
            return;
        }
        JsonNode chunk = json(event.data());
        if (chunk.hasNonNull("error")) throw OpenAiErrors.fromEvent(provider, chunk.get("error")).exception();
        JsonNode usageNode = chunk.path("usage");
        // The usage chunk has no choices (an empty array from OpenAI, null or nothing from some servers);
        // Quarry never asks for n > 1, so the first choice is the only one.
        JsonNode choices = chunk.path("choices");
        // Azure opens with a chunk of prompt_filter_results alone, whose id and model are empty: nothing to relay.
        if (choices.isEmpty() && !usageNode.isObject()) return;
        start(Json.text(chunk, "id"), Json.text(chunk, "model"));
        if (usageNode.isObject()) usage = OpenAiUsage.ofChat(usageNode);
        if (!choices.isEmpty()) choice(choices.get(0));
    }

    @Override
    protected void onEnd() {
        if (stopReason == null) throw endedEarly();
        complete(); // some servers close the body after the finish reason without sending [DONE]
    }

    private void choice(JsonNode choice) {
        JsonNode delta = choice.has("message") ? choice.get("message") : choice.path("delta");
        String reasoning = Json.text(delta, "reasoning_content");
        if (reasoning == null) reasoning = Json.textOrEmpty(delta, "reasoning");
        if (!reasoning.isEmpty()) {
            emit(new StreamEvent.ReasoningDelta(blocks.ensureOpen(REASONING, new ContentBlock.Reasoning("", null)), reasoning, null));
        }
        String content = Json.textOrEmpty(delta, "content");
        if (!content.isEmpty()) emit(new StreamEvent.TextDelta(blocks.ensureOpen(TEXT, new ContentBlock.Text("")), content));
        JsonNode calls = delta.path("tool_calls");
        // A chunk's calls carry their index; a whole message's are numbered by their place in it.
        for (int i = 0; i < calls.size(); i++) toolCall(calls.get(i).path("index").asInt(i), calls.get(i));
        String finish = Json.text(choice, "finish_reason");
        if (finish != null) {
            stopReason = stopReason(finish, choice.path("stop_reason"));
            blocks.close();
        }
    }

    /** The first delta of a call carries its id and name; the ones after it carry pieces of the arguments. */
    private void toolCall(int key, JsonNode call) {
        JsonNode function = call.path("function");
        int index;
        if (blocks.isOpen(key)) {
            index = blocks.openIndex();
        } else {
            if (!toolCalls.add(key)) {
                throw QuarryException.of(ErrorKind.UPSTREAM_ERROR, "Provider '" + provider + "' went back to tool call "
                        + key + " after starting other output; Quarry relays each tool call whole.");
            }
            String id = Json.text(call, "id");
            index = blocks.open(key, new ContentBlock.ToolUse(
                    // Every server seen sends an id; should one not, the client still needs one to answer the call.
                    id != null ? id : "call_" + UUID.randomUUID(),
                    Json.textOrEmpty(function, "name"), "", ToolKind.FUNCTION));
        }
        String arguments = Json.textOrEmpty(function, "arguments");
        if (!arguments.isEmpty()) emit(new StreamEvent.ToolInputDelta(index, arguments));
    }

    private void complete() {
        start(null, null);
        blocks.close();
        if (usage != null) emit(new StreamEvent.UsageReport(usage));
        emit(new StreamEvent.MessageStop(stopReason != null ? stopReason
                : toolCalls.isEmpty() ? StopReason.END_TURN : StopReason.TOOL_USE));
        finish();
    }

    /** vLLM says which stop sequence ended the answer in {@code stop_reason}; OpenAI does not say. */
    static StopReason stopReason(String finishReason, JsonNode matchedStop) {
        return switch (finishReason) {
            case "stop" -> matchedStop.isTextual() ? StopReason.STOP_SEQUENCE : StopReason.END_TURN;
            case "length" -> StopReason.MAX_TOKENS;
            case "tool_calls", "function_call" -> StopReason.TOOL_USE;
            case "content_filter" -> StopReason.CONTENT_FILTERED;
            default -> StopReason.END_TURN;
        };
    }
}
