package dev.quarry.surface.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.EmbeddingRequest;
import dev.quarry.canonical.EmbeddingResponse;
import dev.quarry.canonical.QuarryException;
import dev.quarry.surface.Json;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code POST /v1/embeddings}. Vectors go out as JSON floats or, when the client asks for
 * {@code encoding_format: base64} (the official SDKs do by default), as little-endian float32
 * bytes in base64.
 */
public final class EmbeddingsCodec {
    /** Inputs per request; OpenAI's own limit. */
    private static final int MAX_INPUTS = 2048;

    /** A decoded request and the vector encoding the client wants. */
    public record EmbeddingsCall(EmbeddingRequest request, boolean base64) {}

    private EmbeddingsCodec() {}

    public static EmbeddingsCall decode(ObjectNode body) {
        String model = Json.requireText(body, "model", "model");
        JsonNode input = body.get("input");
        List<String> inputs = new ArrayList<>();
        if (input == null || input.isNull()) throw QuarryException.invalid("input", "Missing required parameter: 'input'.");
        if (input.isTextual()) {
            inputs.add(input.textValue());
        } else if (input.isArray()) {
            for (int i = 0; i < input.size(); i++) {
                JsonNode item = input.get(i);
                if (!item.isTextual()) {
                    throw QuarryException.unsupported("input[" + i + "]",
                            "'input' must be a string or an array of strings; token-id arrays are not supported.");
                }
                inputs.add(item.textValue());
            }
        } else {
            throw QuarryException.invalid("input", "'input' must be a string or an array of strings.");
        }
        if (inputs.isEmpty()) throw QuarryException.invalid("input", "'input' must not be empty.");
        if (inputs.size() > MAX_INPUTS) throw QuarryException.invalid("input", "'input' may hold at most " + MAX_INPUTS + " strings.");
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i).isEmpty()) throw QuarryException.invalid("input[" + i + "]", "'input[" + i + "]' must not be empty.");
        }
        String format = Json.optText(body, "encoding_format", "encoding_format");
        if (format != null && !format.equals("float") && !format.equals("base64")) {
            throw QuarryException.invalid("encoding_format", "'encoding_format' must be 'float' or 'base64'.");
        }
        Integer dimensions = Json.optInt(body, "dimensions", "dimensions", 1);
        return new EmbeddingsCall(new EmbeddingRequest(model, inputs, dimensions), "base64".equals(format));
    }

    public static byte[] encode(EmbeddingResponse response, String model, boolean base64) {
        ObjectNode root = Json.object().put("object", "list");
        ArrayNode data = root.putArray("data");
        for (int i = 0; i < response.vectors().size(); i++) {
            float[] vector = response.vectors().get(i);
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            if (base64) {
                item.put("embedding", toBase64(vector));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float v : vector) values.add(v);
            }
        }
        root.put("model", model);
        root.putObject("usage").put("prompt_tokens", response.inputTokens()).put("total_tokens", response.inputTokens());
        return Json.bytes(root);
    }

    private static String toBase64(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : vector) buffer.putFloat(v);
        return Base64.getEncoder().encodeToString(buffer.array());
    }
}
