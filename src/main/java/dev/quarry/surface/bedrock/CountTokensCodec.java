package dev.quarry.surface.bedrock;

import static dev.quarry.surface.Json.requireObject;
import static dev.quarry.surface.Json.requireText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.QuarryException;
import dev.quarry.surface.Json;
import java.util.Base64;

/**
 * Bedrock Runtime's {@code CountTokens} ({@code POST /model/{modelId}/count-tokens}): the body is
 * {@code {"input": …}}, a union of {@code {"converse": {messages, system, toolConfig, …}}} and
 * {@code {"invokeModel": {"body": "<base64 of an InvokeModel body>"}}} (restJson1 sends a blob as
 * base64); the answer is {@code {"inputTokens": N}}. Each input is decoded as the operation it
 * stands for decodes it, so that it is counted as a call to that operation would be.
 */
public final class CountTokensCodec {
    private CountTokensCodec() {}

    public static ChatRequest decode(String modelId, ObjectNode body) {
        JsonNode input = requireObject(body, "input", "input");
        // A union: exactly one member is set, as the SDKs' serializers send it.
        if (input.size() != 1 || !(input.has("converse") || input.has("invokeModel"))) {
            throw QuarryException.invalid("input", "'input' must set exactly one of 'converse' and 'invokeModel'.");
        }
        if (input.has("converse")) return ConverseDecoder.decode(modelId, (ObjectNode) requireObject(input, "converse", "input.converse"));
        JsonNode invokeModel = requireObject(input, "invokeModel", "input.invokeModel");
        byte[] invokeBody;
        try {
            invokeBody = Base64.getDecoder().decode(requireText(invokeModel, "body", "input.invokeModel.body"));
        } catch (IllegalArgumentException e) {
            throw QuarryException.invalid("input.invokeModel.body", "'input.invokeModel.body' must be the InvokeModel body in base64.");
        }
        return Invocation.decode(modelId, Json.parseObject(invokeBody), false).request();
    }

    public static byte[] encode(long inputTokens) {
        return Json.bytes(Json.object().put("inputTokens", inputTokens));
    }
}
