package dev.quarry.guardrails.semantic;

import dev.quarry.guardrails.detect.Embedder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds which denied topics a text is about, by comparing its sentence embeddings with each
 * topic's definition and examples.
 *
 * <p>Scoring. The text is cut into {@link Windows} (its sentences, and the whole text when short);
 * all windows go to the embedder in one call. A window's affinity to a topic is its mean cosine
 * similarity to the {@value #NEAREST} nearest of the topic's references (definition and
 * examples): one reference sharing a stray word weighs less than several agreeing. Its score is
 * that affinity minus the strongest competitor: the mean similarity to the {@value
 * #NEAREST_ANCHORS} nearest topic-free everyday requests ({@code neutral-anchors.txt}), or the
 * affinity to another denied topic, whichever is higher. The text matches a topic when its best
 * window scores at least {@link #THRESHOLD}. The margin matters more than the similarity:
 * MiniLM puts short generic prompts ("Can you help me?") at a middling similarity to everything,
 * and a custody question nearer a topic on religious divorce than to anything neutral unless a
 * legal topic competes for it.
 *
 * <p>What it cannot do. An embedding says what a text is about, not what it asks for, so prompts
 * on a denied topic's subject with an allowed intent are its false positives: explaining what an
 * index fund is next to investment advice costs little, but a competitor topic also matches
 * questions about the company's own products of the same kind ("what does our unlimited plan
 * include?"), which are as near the examples as the competitors' are. Name the competitors in
 * such a topic's examples rather than the company itself.
 *
 * <p>Calibration. {@link #THRESHOLD}, {@value #NEAREST}, {@value #NEAREST_ANCHORS} and the anchors
 * were chosen on {@code TopicCalibrationTest}: two configurations of four denied topics each, none
 * of them the evaluation's, and 180 prompts written for calibration only, with neighbouring
 * allowed prompts as hard negatives. The threshold is the middle of the plateau of best F1 over a
 * sweep of both configurations together (F1 0.86 there, 0.075 to 0.085). The evaluation set
 * ({@code guardrails/eval/topics.jsonl}) did not choose these values, but it is not untouched:
 * a first design calibrated on one configuration only did badly on it, and the second
 * configuration, the per-sentence windows and the averaging over anchors came after that result.
 *
 * <p>Thread-safe: immutable after construction, provided the embedder is thread-safe.
 */
public final class TopicFilter {
    /** The score a text's best window must reach; calibrated, see the class comment. */
    public static final double THRESHOLD = 0.08;
    /** How many of a topic's references a window's affinity averages. */
    static final int NEAREST = 3;
    /** How many neutral anchors the competing similarity averages. */
    static final int NEAREST_ANCHORS = 2;

    private final Embedder embedder;
    private final List<String> names;
    private final List<VectorSet> topics;
    private final VectorSet neutral;

    public TopicFilter(List<DeniedTopic> deniedTopics, Embedder embedder) {
        this.embedder = embedder;
        Set<String> seen = new HashSet<>();
        for (DeniedTopic topic : deniedTopics) {
            if (!seen.add(topic.name())) throw new IllegalArgumentException("topics: '" + topic.name() + "' is defined twice");
        }
        ReferenceTexts anchors = ReferenceTexts.load("neutral-anchors.txt");
        List<String> texts = new ArrayList<>(anchors.texts());
        for (DeniedTopic topic : deniedTopics) {
            texts.add(topic.definition());
            texts.addAll(topic.examples());
        }
        float[][] units = VectorSet.embed(embedder, texts);
        this.neutral = VectorSet.of(units, 0, anchors.size());
        List<String> names = new ArrayList<>();
        List<VectorSet> topics = new ArrayList<>();
        int from = anchors.size();
        for (DeniedTopic topic : deniedTopics) {
            int to = from + 1 + topic.examples().size();
            names.add(topic.name());
            topics.add(VectorSet.of(units, from, to));
            from = to;
        }
        this.names = List.copyOf(names);
        this.topics = List.copyOf(topics);
    }

    /** The denied topics {@code text} is about, best match first; empty if none. */
    public List<TopicMatch> find(String text) {
        return find(List.of(text));
    }

    /**
     * The denied topics any of {@code texts} is about, best match first; empty if none. The windows
     * of all of them go to the embedder in one call: a request's many short texts (tool
     * descriptions, schema descriptions) cost one batch, not a call each.
     */
    public List<TopicMatch> find(List<String> texts) {
        if (topics.isEmpty()) return List.of();
        List<String> windows = new ArrayList<>();
        for (String text : texts) if (!text.isBlank()) windows.addAll(Windows.of(text));
        if (windows.isEmpty()) return List.of();
        double[] best = bestScores(windows);
        List<TopicMatch> matches = new ArrayList<>();
        for (int t = 0; t < best.length; t++) {
            if (best[t] >= THRESHOLD) matches.add(new TopicMatch(names.get(t), best[t]));
        }
        matches.sort(Comparator.comparingDouble(TopicMatch::score).reversed());
        return matches;
    }

    /** The topics' names, in the order of {@link #scores}. */
    List<String> names() {
        return names;
    }

    /** Each topic's score for {@code text} (its best window's), in the order of {@link #names}. */
    double[] scores(String text) {
        return bestScores(Windows.of(text));
    }

    private double[] bestScores(List<String> windows) {
        double[] best = new double[topics.size()];
        Arrays.fill(best, Double.NEGATIVE_INFINITY);
        for (float[] window : VectorSet.embed(embedder, windows)) {
            double[] affinity = new double[topics.size()];
            for (int t = 0; t < affinity.length; t++) affinity[t] = topics.get(t).meanOfNearest(window, NEAREST);
            double anchor = neutral.meanOfNearest(window, NEAREST_ANCHORS);
            for (int t = 0; t < affinity.length; t++) {
                best[t] = Math.max(best[t], affinity[t] - Math.max(anchor, strongestOther(affinity, t)));
            }
        }
        return best;
    }

    private static double strongestOther(double[] affinity, int topic) {
        double strongest = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < affinity.length; t++) if (t != topic) strongest = Math.max(strongest, affinity[t]);
        return strongest;
    }
}
