package dev.quarry.guardrails.semantic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class TopicFilterTest {
    static final DeniedTopic BAKING = new DeniedTopic("Baking", "Recipes for baking sourdough bread, cakes or pastry",
            List.of("How do I bake sourdough bread?", "Best oven temperature for a sponge cake?"));
    static final DeniedTopic SAILING = new DeniedTopic("Sailing", "Sailing boats, knots, tides and regattas",
            List.of("How do I tie a bowline knot on a sailing boat?", "When is high tide for sailing?"));

    final WordEmbedder embedder = new WordEmbedder();

    @Test
    void embedsEveryReferenceOnceAtConstruction() {
        new TopicFilter(List.of(BAKING, SAILING), embedder);
        assertThat(embedder.calls()).isEqualTo(1);
        assertThat(embedder.lastBatch()).contains(BAKING.definition(), "How do I bake sourdough bread?", SAILING.definition(), "When is high tide for sailing?");
    }

    @Test
    void embedsAllWindowsOfATextInOneCall() {
        TopicFilter filter = new TopicFilter(List.of(BAKING, SAILING), embedder);
        List<TopicMatch> matches = filter.find("My week was long. The office moved to the third floor. Anyway: how do I bake sourdough bread at home?");
        assertThat(embedder.calls()).isEqualTo(2);
        assertThat(embedder.lastBatch()).hasSize(4);
        assertThat(matches).extracting(TopicMatch::name).containsExactly("Baking");
    }

    @Test
    void findsEachTopicOfATextInItsOwnSentence() {
        TopicFilter filter = new TopicFilter(List.of(BAKING, SAILING), embedder);
        assertThat(filter.find("How do I bake sourdough bread? And when is high tide for sailing?"))
                .extracting(TopicMatch::name).containsExactlyInAnyOrder("Baking", "Sailing");
        assertThat(filter.find("Can you help me with something?")).isEmpty();
    }

    @Test
    void matchesAreBestFirstAndAtLeastTheThreshold() {
        TopicFilter filter = new TopicFilter(List.of(BAKING, SAILING), embedder);
        List<TopicMatch> matches = filter.find("Sailing boats and sourdough bread recipes. How do I tie a bowline knot on a sailing boat?");
        assertThat(matches).isSortedAccordingTo((a, b) -> Double.compare(b.score(), a.score()))
                .allSatisfy(m -> assertThat(m.score()).isGreaterThanOrEqualTo(TopicFilter.THRESHOLD));
        assertThat(matches.getFirst().name()).isEqualTo("Sailing");
    }

    @Test
    void blankTextIsNotEmbedded() {
        TopicFilter filter = new TopicFilter(List.of(BAKING), embedder);
        assertThat(filter.find("  \n ")).isEmpty();
        assertThat(embedder.calls()).isEqualTo(1);
    }

    @Test
    void topicNamesMustBeUnique() {
        assertThatThrownBy(() -> new TopicFilter(List.of(BAKING, BAKING), embedder))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("topics: 'Baking' is defined twice");
    }

    @Test
    void anEmbedderThatBreaksItsContractIsReported() {
        assertThatThrownBy(() -> new TopicFilter(List.of(BAKING), texts -> List.of(new float[] {1})))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("returned 1 vectors for");
    }

    @Test
    void isSafeToShareBetweenThreads() throws Exception {
        TopicFilter filter = new TopicFilter(List.of(BAKING, SAILING), embedder);
        List<String> texts = List.of("How do I bake sourdough bread?", "When is high tide for sailing?", "Write a haiku.", "Cake or tides? Best oven temperature for a sponge cake?");
        List<List<TopicMatch>> expected = texts.stream().map(filter::find).toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Callable<List<TopicMatch>>> tasks = java.util.stream.IntStream.range(0, 200)
                    .mapToObj(i -> (Callable<List<TopicMatch>>) () -> filter.find(texts.get(i % texts.size()))).toList();
            List<Future<List<TopicMatch>>> results = pool.invokeAll(tasks);
            for (int i = 0; i < results.size(); i++) assertThat(results.get(i).get()).isEqualTo(expected.get(i % texts.size()));
        }
    }
}
