package dev.quarry.guardrails;

import dev.quarry.guardrails.detect.Embedder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Remembers the embeddings of recent texts. The same texts come back often: both semantic filters
 * embed the same windows of a prompt, and every turn of a conversation sends the earlier turns
 * again, which were checked already. Bounded (least recently used out), so memory stays fixed:
 * {@value #CAPACITY} vectors of 384 floats are about 6 MB.
 */
final class RecentEmbeddings implements Embedder {
    static final int CAPACITY = 4096;

    private final Embedder model;
    private final Map<String, float[]> recent = new LinkedHashMap<>(CAPACITY, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > CAPACITY;
        }
    };

    RecentEmbeddings(Embedder model) {
        this.model = model;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        float[][] vectors = new float[texts.size()][];
        List<String> missing = new ArrayList<>();
        synchronized (recent) {
            for (int i = 0; i < texts.size(); i++) {
                vectors[i] = recent.get(texts.get(i));
                if (vectors[i] == null && !missing.contains(texts.get(i))) missing.add(texts.get(i));
            }
        }
        if (!missing.isEmpty()) {
            // The model runs outside the lock: requests embed in parallel, at worst twice the same text.
            List<float[]> computed = model.embed(missing);
            synchronized (recent) {
                for (int i = 0; i < missing.size(); i++) recent.put(missing.get(i), computed.get(i));
            }
            for (int i = 0; i < texts.size(); i++) {
                if (vectors[i] == null) vectors[i] = computed.get(missing.indexOf(texts.get(i)));
            }
        }
        return List.of(vectors);
    }
}
