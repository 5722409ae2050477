package dev.quarry.provider.openai.internal;

import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.Usage;
import dev.quarry.provider.SseReader;
import dev.quarry.provider.wire.BlockSequence;
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
 * reasoning block. Each chunk is read by {@link ChatChunk}, without a JSON tree.
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
        ChatChunk chunk = ChatChunk.parse(event.data());
        if (chunk == null) throw notJsonObject(event.data());
        if (chunk.error != null) throw OpenAiErrors.fromEvent(provider, chunk.error).exception();
        // The usage chunk has no choices (an empty array from OpenAI, null or nothing from some servers).
        // Azure opens with a chunk of prompt_filter_results alone, whose id and model are empty: nothing to relay.
        if (!chunk.hasChoice && chunk.usage == null) return;
        start(chunk.id, chunk.model);
        if (chunk.usage != null) usage = OpenAiUsage.ofChat(chunk.usage);
        if (chunk.hasChoice) choice(chunk);
    }

    @Override
    protected void onEnd() {
        if (stopReason == null) throw endedEarly();
        complete(); // some servers close the body after the finish reason without sending [DONE]
    }

    private void choice(ChatChunk chunk) {
        String reasoning = chunk.reasoningContent != null ? chunk.reasoningContent : chunk.reasoning;
        if (reasoning != null && !reasoning.isEmpty()) {
            emit(new StreamEvent.ReasoningDelta(blocks.ensureOpen(REASONING, new ContentBlock.Reasoning("", null)), reasoning, null));
        }
        if (chunk.content != null && !chunk.content.isEmpty()) {
            emit(new StreamEvent.TextDelta(blocks.ensureOpen(TEXT, new ContentBlock.Text("")), chunk.content));
        }
        chunk.toolCalls.forEach(this::toolCall);
        if (chunk.finishReason != null) {
            stopReason = stopReason(chunk.finishReason, chunk.stopSequenceNamed);
            blocks.close();
        }
    }

    /** The first delta of a call carries its id and name; the ones after it carry pieces of the arguments. */
    private void toolCall(ChatChunk.ToolCall call) {
        int index;
        if (blocks.isOpen(call.index())) {
            index = blocks.openIndex();
        } else {
            if (!toolCalls.add(call.index())) {
                throw QuarryException.of(ErrorKind.UPSTREAM_ERROR, "Provider '" + provider + "' went back to tool call "
                        + call.index() + " after starting other output; Quarry relays each tool call whole.");
            }
            index = blocks.open(call.index(), new ContentBlock.ToolUse(
                    // Every server seen sends an id; should one not, the client still needs one to answer the call.
                    call.id() != null ? call.id() : "call_" + UUID.randomUUID(),
                    call.name() != null ? call.name() : "", "", ToolKind.FUNCTION));
        }
        if (call.arguments() != null && !call.arguments().isEmpty()) emit(new StreamEvent.ToolInputDelta(index, call.arguments()));
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
    static StopReason stopReason(String finishReason, boolean stopSequenceNamed) {
        return switch (finishReason) {
            case "stop" -> stopSequenceNamed ? StopReason.STOP_SEQUENCE : StopReason.END_TURN;
            case "length" -> StopReason.MAX_TOKENS;
            case "tool_calls", "function_call" -> StopReason.TOOL_USE;
            case "content_filter" -> StopReason.CONTENT_FILTERED;
            default -> StopReason.END_TURN;
        };
    }
}
