package dev.quarry.guardrails.semantic;

import dev.quarry.guardrails.detect.Embedder;
import dev.quarry.provider.minilm.MiniLmProvider;

/**
 * The all-MiniLM-L6-v2 model the server wires into the semantic filters ({@link MiniLmProvider#embedTexts}),
 * loaded once per test JVM (it takes a second or two and 90 MB) and shared by every test that needs real embeddings.
 */
public final class MiniLm {
    private MiniLm() {}

    public static Embedder embedder() {
        return Holder.EMBEDDER;
    }

    private static final class Holder {
        static final Embedder EMBEDDER = new MiniLmProvider("quarry-minilm")::embedTexts;
    }
}
