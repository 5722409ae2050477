package dev.quarry.surface.bedrock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ChatRequest;

/** A decoded InvokeModel call: the canonical request, and the family whose format the answer takes. */
public record Invocation(InvokeFamily family, ChatRequest request) {

    /** @param streaming whether the call is InvokeModelWithResponseStream */
    public static Invocation decode(String modelId, ObjectNode body, boolean streaming) {
        InvokeFamily family = InvokeFamily.of(body);
        return new Invocation(family, family.decode(modelId, body, streaming));
    }
}
