package dev.quarry.surface.bedrock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ChatResponse;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.Usage;
import dev.quarry.surface.Json;

/** Canonical answer → Converse response body; also the pieces ConverseStream shares with it. */
public final class ConverseEncoder {
    private ConverseEncoder() {}

    /** @param latencyMillis how long the call took, reported as {@code metrics.latencyMs} */
    public static byte[] encode(ChatResponse response, long latencyMillis) {
        return encode(response, latencyMillis, null);
    }

    /** @param trace the {@code trace} the client asked for (a guardrail's assessments), or {@code null} */
    public static byte[] encode(ChatResponse response, long latencyMillis, ObjectNode trace) {
        ArrayNode content = Json.MAPPER.createArrayNode();
        for (ContentBlock block : response.content()) {
            ObjectNode wire = block(block);
            if (wire != null) content.add(wire);
        }
        ObjectNode body = Json.object();
        ObjectNode message = body.putObject("output").putObject("message").put("role", "assistant");
        message.set("content", content);
        body.put("stopReason", stopReason(response.stopReason()));
        body.set("usage", usage(response.usage()));
        body.set("metrics", metrics(latencyMillis));
        if (trace != null) body.set("trace", trace);
        return Json.bytes(body);
    }

    /**
     * The wire form of an answer's block, or {@code null} for the kinds that are only ever input
     * (images, tool results, cache points).
     */
    private static ObjectNode block(ContentBlock block) {
        return switch (block) {
            case ContentBlock.Text t -> Json.object().put("text", t.text());
            case ContentBlock.ToolUse u -> {
                ObjectNode use = Json.object().putObject("toolUse").put("toolUseId", u.id()).put("name", u.name());
                use.set("input", toolInput(u));
                yield Json.object().set("toolUse", use);
            }
            case ContentBlock.Reasoning r -> {
                ObjectNode text = Json.object().put("text", r.text());
                if (r.signature() != null) text.put("signature", r.signature());
                yield Json.object().set("reasoningContent", Json.object().set("reasoningText", text));
            }
            case ContentBlock.Image _, ContentBlock.Document _, ContentBlock.ToolResult _, ContentBlock.CachePoint _ -> null;
        };
    }

    /** Converse's {@code toolUse.input} is a JSON document; a model's empty input is the empty object. */
    private static JsonNode toolInput(ContentBlock.ToolUse use) {
        if (use.input().isBlank()) return Json.object();
        try {
            return Json.MAPPER.readTree(use.input());
        } catch (JsonProcessingException e) {
            throw QuarryException.of(ErrorKind.UPSTREAM_ERROR, "The model called tool '" + use.name() + "' with an input that is not JSON.");
        }
    }

    /** Bedrock's convention matches the canonical one: {@code inputTokens} excludes cached input. */
    static ObjectNode usage(Usage usage) {
        return Json.object()
                .put("inputTokens", usage.inputTokens())
                .put("outputTokens", usage.outputTokens())
                .put("totalTokens", usage.totalTokens())
                .put("cacheReadInputTokens", usage.cacheReadTokens())
                .put("cacheWriteInputTokens", usage.cacheWriteTokens());
    }

    static ObjectNode metrics(long latencyMillis) {
        return Json.object().put("latencyMs", latencyMillis);
    }

    static String stopReason(StopReason reason) {
        return switch (reason) {
            case END_TURN -> "end_turn";
            case TOOL_USE -> "tool_use";
            case MAX_TOKENS -> "max_tokens";
            case STOP_SEQUENCE -> "stop_sequence";
            case CONTENT_FILTERED -> "content_filtered";
            case GUARDRAIL_INTERVENED -> "guardrail_intervened";
        };
    }
}
