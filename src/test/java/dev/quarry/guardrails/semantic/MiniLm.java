package dev.quarry.guardrails.semantic;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.quarry.guardrails.detect.Embedder;
import java.util.List;

/**
 * The all-MiniLM-L6-v2 model the server wires into the semantic filters, loaded once per test
 * JVM (it takes a second or two and 90 MB) and shared by every test that needs real embeddings.
 */
public final class MiniLm {
    private MiniLm() {}

    public static Embedder embedder() {
        return Holder.EMBEDDER;
    }

    private static final class Holder {
        static final AllMiniLmL6V2EmbeddingModel MODEL = new AllMiniLmL6V2EmbeddingModel();
        static final Embedder EMBEDDER = texts -> MODEL.embedAll(texts.stream().map(TextSegment::from).toList())
                .content().stream().map(Embedding::vector).toList();
    }
}
