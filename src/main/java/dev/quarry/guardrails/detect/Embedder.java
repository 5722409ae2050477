package dev.quarry.guardrails.detect;

import java.util.List;

/** Turns texts into sentence embeddings (the local {@code quarry/minilm} model in a running server). */
@FunctionalInterface
public interface Embedder {
    /** One vector per text, in order; all of one dimension. */
    List<float[]> embed(List<String> texts);
}
