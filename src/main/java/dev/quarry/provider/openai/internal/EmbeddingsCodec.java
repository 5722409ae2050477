package dev.quarry.provider.openai.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.EmbeddingRequest;
import dev.quarry.canonical.EmbeddingResponse;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.provider.wire.Json;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** The {@code /embeddings} request and answer, with vectors asked for as JSON floats. */
public final class EmbeddingsCodec {
    private EmbeddingsCodec() {}

    public static ObjectNode encode(EmbeddingRequest request, String upstreamModel) {
        ObjectNode body = Json.object().put("model", upstreamModel);
        request.inputs().forEach(body.putArray("input")::add);
        body.put("encoding_format", "float");
        if (request.dimensions() != null) body.put("dimensions", request.dimensions());
        return body;
    }

    /** Reads the answer; vectors are put in input order, whatever order the upstream listed them in. */
    public static EmbeddingResponse decode(String provider, EmbeddingRequest request, byte[] body) {
        JsonNode root = Json.parse(new String(body, StandardCharsets.UTF_8)).filter(JsonNode::isObject)
                .orElseThrow(() -> malformed(provider, "the answer is not a JSON object"));
        float[][] vectors = new float[request.inputs().size()][];
        for (JsonNode item : root.path("data")) {
            int index = item.path("index").asInt(-1);
            if (index < 0 || index >= vectors.length) throw malformed(provider, "it lists a vector for input " + index);
            JsonNode embedding = item.path("embedding");
            if (!embedding.isArray()) throw malformed(provider, "vector " + index + " is not a list of numbers");
            float[] vector = new float[embedding.size()];
            for (int i = 0; i < vector.length; i++) vector[i] = (float) embedding.get(i).asDouble();
            vectors[index] = vector;
        }
        List<float[]> inOrder = Arrays.asList(vectors);
        if (inOrder.contains(null)) throw malformed(provider, "it has fewer vectors than the " + vectors.length + " inputs");
        return new EmbeddingResponse(request.model(), inOrder, root.path("usage").path("prompt_tokens").asLong());
    }

    private static QuarryException malformed(String provider, String why) {
        return QuarryException.of(ErrorKind.UPSTREAM_ERROR, "Provider '" + provider + "' sent an unusable embeddings answer: " + why + ".");
    }
}
