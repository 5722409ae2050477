package dev.quarry.surface.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.surface.Json;

/**
 * {@code POST /v1/messages/count_tokens}: the body is a Messages request without
 * {@code max_tokens}; the answer is {@code {"input_tokens": N}}. N is counted by the named model's
 * family's tokenizer where Quarry has it and is otherwise Quarry's tokenizer-free estimate; the
 * streamed {@code message_start} reports the same count.
 */
public final class TokenCounts {
    private TokenCounts() {}

    public static ChatRequest decode(ObjectNode body) {
        return MessagesDecoder.request(body, null);
    }

    public static byte[] encode(long inputTokens) {
        return Json.bytes(Json.object().put("input_tokens", inputTokens));
    }
}
