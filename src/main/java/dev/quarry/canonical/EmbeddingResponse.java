package dev.quarry.canonical;

import java.util.List;

/** One vector per input, in input order, and the tokens the inputs took. */
public record EmbeddingResponse(String model, List<float[]> vectors, long inputTokens) {
    public EmbeddingResponse {
        vectors = List.copyOf(vectors);
    }

    public Usage usage() {
        return new Usage(inputTokens, 0, 0, 0);
    }
}
