package dev.quarry.canonical;

import java.util.List;
import java.util.Objects;

/** Texts to embed with one model. {@code dimensions} is {@code null} for the model's own size. */
public record EmbeddingRequest(String model, List<String> inputs, Integer dimensions) {
    public EmbeddingRequest {
        Objects.requireNonNull(model, "model");
        inputs = List.copyOf(inputs);
    }

    public EmbeddingRequest withModel(String newModel) {
        return new EmbeddingRequest(newModel, inputs, dimensions);
    }
}
