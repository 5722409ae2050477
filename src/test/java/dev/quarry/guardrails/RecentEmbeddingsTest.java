package dev.quarry.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentEmbeddingsTest {
    @Test
    void aTextIsEmbeddedOnceWhileItIsRecentAndVectorsKeepTheirOrder() {
        List<List<String>> calls = new ArrayList<>();
        RecentEmbeddings embeddings = new RecentEmbeddings(texts -> {
            calls.add(List.copyOf(texts));
            return texts.stream().map(t -> new float[] {t.length()}).toList();
        });
        assertThat(embeddings.embed(List.of("a", "bb", "a"))).extracting(v -> v[0]).containsExactly(1f, 2f, 1f);
        assertThat(embeddings.embed(List.of("ccc", "bb"))).extracting(v -> v[0]).containsExactly(3f, 2f);
        assertThat(calls).containsExactly(List.of("a", "bb"), List.of("ccc"));
    }

    @Test
    void theLeastRecentlyUsedTextIsForgottenFirst() {
        List<String> embedded = new ArrayList<>();
        RecentEmbeddings embeddings = new RecentEmbeddings(texts -> {
            embedded.addAll(texts);
            return texts.stream().map(t -> new float[] {1}).toList();
        });
        for (int i = 0; i <= RecentEmbeddings.CAPACITY; i++) embeddings.embed(List.of("t" + i));
        embeddings.embed(List.of("t" + RecentEmbeddings.CAPACITY));
        embeddings.embed(List.of("t0"));
        assertThat(embedded).hasSize(RecentEmbeddings.CAPACITY + 2).endsWith("t0");
    }
}
