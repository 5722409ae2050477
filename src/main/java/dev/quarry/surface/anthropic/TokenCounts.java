package dev.quarry.surface.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.TokenEstimate;
import dev.quarry.surface.Json;

/**
 * {@code POST /v1/messages/count_tokens}: the body is a Messages request without
 * {@code max_tokens}; the answer is {@code {"input_tokens": N}}. N is Quarry's tokenizer-free
 * estimate, the same one the streamed {@code message_start} reports, since the model behind a
 * name may use any tokenizer.
 */
public final class TokenCounts {
    private TokenCounts() {}

    public static ChatRequest decode(ObjectNode body) {
        return MessagesDecoder.request(body, null);
    }

    public static byte[] encode(ChatRequest request) {
        return Json.bytes(Json.object().put("input_tokens", TokenEstimate.of(request)));
    }
}
