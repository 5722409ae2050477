package dev.quarry.provider.gemini.internal;

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
import java.util.UUID;

/**
 * Decodes a {@code streamGenerateContent?alt=sse} answer: data-only SSE events, each a whole
 * {@code GenerateContentResponse} holding the next parts of the first candidate. Gemini has no
 * end-of-stream event; the answer is complete when a chunk has carried a {@code finishReason} and
 * the body ends, so the stop is held until then (a usage-only chunk may still follow it).
 *
 * <p>Consecutive text parts form one text block and consecutive thought parts one reasoning block.
 * Each function call is a block of its own, its arguments sent whole as one input delta. Gemini
 * names no call ids, so each call is given one made from the response id and its position, stable
 * for the answer and unique across a conversation. A part's thought signature is handed out as a
 * signature-only reasoning block just before the part (see {@link GenerateContentRequestEncoder}).
 */
public final class GenerateContentStreamDecoder extends SseDecoder {
    private static final String TEXT = "text";
    private static final String THOUGHT = "thought";

    private final BlockSequence blocks = new BlockSequence(this::emit);
    private String responseId;
    private int calls;
    private Usage usage;
    private StopReason stopReason;

    public GenerateContentStreamDecoder(UpstreamBody upstream) {
        super(upstream);
    }

    @Override
    protected void onFrame(SseReader.Event event) {
        JsonNode chunk = json(event.data());
        if (chunk.hasNonNull("error")) throw GeminiErrors.fromEvent(provider, chunk.get("error")).exception();
        if (responseId == null) responseId = Json.text(chunk, "responseId");
        start(responseId, Json.text(chunk, "modelVersion"));
        if (chunk.path("usageMetadata").isObject()) usage = usage(chunk.path("usageMetadata"));
        JsonNode candidate = chunk.path("candidates").path(0);
        String blocked = Json.text(chunk.path("promptFeedback"), "blockReason");
        if (blocked != null && candidate.isMissingNode()) {
            throw QuarryException.of(ErrorKind.CONTENT_FILTERED, "Provider '" + provider + "' refused the prompt (" + blocked + ").");
        }
        for (JsonNode part : candidate.path("content").path("parts")) part(part);
        String finish = Json.text(candidate, "finishReason");
        if (finish != null) {
            blocks.close();
            stopReason = stopReason(finish);
        }
    }

    @Override
    protected void onEnd() {
        if (stopReason == null) throw endedEarly();
        blocks.close();
        if (usage != null) emit(new StreamEvent.UsageReport(usage));
        emit(new StreamEvent.MessageStop(stopReason == StopReason.END_TURN && calls > 0 ? StopReason.TOOL_USE : stopReason));
    }

    private void part(JsonNode part) {
        String signature = Json.text(part, "thoughtSignature");
        boolean thought = part.path("thought").asBoolean(false);
        if (signature != null && !thought) {
            int at = blocks.open(new Object(), new ContentBlock.Reasoning("", null));
            emit(new StreamEvent.ReasoningDelta(at, "", signature));
            blocks.close();
        }
        String text = Json.textOrEmpty(part, "text");
        if (thought) {
            int at = blocks.ensureOpen(THOUGHT, new ContentBlock.Reasoning("", null));
            if (!text.isEmpty()) emit(new StreamEvent.ReasoningDelta(at, text, null));
            if (signature != null) emit(new StreamEvent.ReasoningDelta(at, "", signature));
        } else if (part.has("functionCall")) {
            JsonNode call = part.get("functionCall");
            String id = Json.text(call, "id");
            ContentBlock.ToolUse use = new ContentBlock.ToolUse(id != null ? id : callId(), Json.textOrEmpty(call, "name"), "", ToolKind.FUNCTION);
            calls++;
            int at = blocks.open(use.id(), use);
            emit(new StreamEvent.ToolInputDelta(at, call.path("args").isObject() ? call.get("args").toString() : "{}"));
            blocks.close();
        } else if (!text.isEmpty()) {
            emit(new StreamEvent.TextDelta(blocks.ensureOpen(TEXT, new ContentBlock.Text("")), text));
        }
    }

    private String callId() {
        return "call_" + (responseId != null ? responseId + "_" + calls : UUID.randomUUID().toString());
    }

    /**
     * Gemini counts cached tokens inside {@code promptTokenCount} and thinking apart from the
     * candidates; canonically the cached tokens stand apart from the input and thinking is output.
     */
    static Usage usage(JsonNode metadata) {
        long cached = metadata.path("cachedContentTokenCount").asLong();
        long prompt = metadata.path("promptTokenCount").asLong() + metadata.path("toolUsePromptTokenCount").asLong();
        long output = metadata.path("candidatesTokenCount").asLong() + metadata.path("thoughtsTokenCount").asLong();
        return new Usage(Math.max(0, prompt - cached), output, cached, 0);
    }

    /** @throws QuarryException for a malformed function call, an answer the caller could not use */
    private StopReason stopReason(String finishReason) {
        return switch (finishReason) {
            case "MAX_TOKENS" -> StopReason.MAX_TOKENS;
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT" ->
                    StopReason.CONTENT_FILTERED;
            case "MALFORMED_FUNCTION_CALL" -> throw QuarryException.of(ErrorKind.UPSTREAM_ERROR,
                    "Provider '" + provider + "' produced a function call it could not complete (MALFORMED_FUNCTION_CALL).");
            // STOP; also LANGUAGE, OTHER and reasons added later: the model stopped, for no reason the client could act on
            default -> StopReason.END_TURN;
        };
    }
}
