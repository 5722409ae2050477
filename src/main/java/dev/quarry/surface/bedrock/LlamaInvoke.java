package dev.quarry.surface.bedrock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ChatResponse;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.TokenEstimate;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.Usage;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Meta Llama bodies: {@code {"prompt", "max_gen_len", "temperature", "top_p"}}, answered with
 * {@code {"generation", "prompt_token_count", "generation_token_count", "stop_reason"}}.
 *
 * <p>The prompt becomes one user message, exactly as given. Llama prompts usually carry Llama's
 * chat template ({@code <|start_header_id|>user<|end_header_id|>…}); it is not parsed into
 * turns, because the template is the model's own business and a prompt may as well be plain
 * text: a non-Llama model behind Quarry reads the template's markers as text.
 */
public record LlamaInvoke() implements InvokeFamily {
    private static final Set<String> PARAMETERS = Set.of("prompt", "max_gen_len", "temperature", "top_p", "images");

    @Override
    public ChatRequest decode(String modelId, ObjectNode body, boolean streaming) {
        InvokeFamily.onlyKeys(body, PARAMETERS, "Meta Llama");
        if (body.has("images")) {
            throw QuarryException.unsupported("images", "Images in Llama bodies are not supported; send them in a Converse or Nova body.");
        }
        String prompt = Json.requireText(body, "prompt", "prompt");
        var config = new InferenceConfig(Json.optInt(body, "max_gen_len", "max_gen_len", 1), Json.optNumber(body, "temperature", "temperature"),
                Json.optNumber(body, "top_p", "top_p"), List.of());
        return new ChatRequest(modelId, List.of(), List.of(Message.user(prompt)), List.of(), ToolChoice.AUTO, config, Map.of());
    }

    @Override
    public WireReply encode(ChatResponse response, String requestId, String modelId, long latencyMillis) {
        ObjectNode body = Json.object()
                .put("generation", response.text())
                .put("prompt_token_count", response.usage().totalInputTokens())
                .put("generation_token_count", response.usage().outputTokens())
                .put("stop_reason", stopReason(response.stopReason()));
        return InvokeReply.of(Json.bytes(body), response.usage(), latencyMillis);
    }

    /**
     * One chunk per text delta, and a closing chunk with the stop reason. Only the first chunk
     * has a {@code prompt_token_count} (an estimate, as the real count comes at the end). Canonical
     * deltas carry no token counts, so {@code generation_token_count} is estimated from the text
     * so far until the closing chunk, which has the model's count; the exact figures of both are
     * in the invocation metrics.
     */
    @Override
    public void stream(EventStream events, OutputStream out, String requestId, String modelId, long inputEstimate, LongSupplier latencyMillis) {
        var chunks = new ChunkWriter(out, latencyMillis);
        var generated = new StringBuilder();
        boolean first = true;
        Usage usage = Usage.ZERO;
        try {
            while (events.hasNext()) {
                switch (events.next()) {
                    case StreamEvent.TextDelta d -> {
                        generated.append(d.text());
                        chunks.chunk(chunk(d.text(), first ? inputEstimate : null, TokenEstimate.of(generated), null));
                        first = false;
                    }
                    case StreamEvent.UsageReport u -> usage = u.usage();
                    case StreamEvent.MessageStop s -> chunks.last(chunk("", first ? usage.totalInputTokens() : null, usage.outputTokens(),
                            stopReason(s.reason())), usage.totalInputTokens(), usage.outputTokens());
                    default -> { /* a Llama answer is text only: other blocks have no place in it */ }
                }
            }
        } catch (QuarryException e) {
            chunks.failure(e.error());
        }
    }

    private static ObjectNode chunk(String generation, Long promptTokens, long generationTokens, String stopReason) {
        return Json.object()
                .put("generation", generation)
                .put("prompt_token_count", promptTokens)
                .put("generation_token_count", generationTokens)
                .put("stop_reason", stopReason);
    }

    /** Llama knows only these two: a stop sequence or a tool call ends the generation as a natural stop does. */
    static String stopReason(StopReason reason) {
        return reason == StopReason.MAX_TOKENS ? "length" : "stop";
    }
}
