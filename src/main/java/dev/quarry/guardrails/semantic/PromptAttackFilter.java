package dev.quarry.guardrails.semantic;

import dev.quarry.guardrails.detect.Confidence;
import dev.quarry.guardrails.detect.Embedder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Tells jailbreaks and prompt injections from ordinary prompts, on Bedrock's confidence scale.
 *
 * <p>Two kinds of evidence. Wording: {@link AttackPattern}s, matched against the prompt with its
 * disguises undone ({@link Readings}: leetspeak, spaced letters, ROT13, base64, hex). Meaning: the
 * prompt's {@link Windows} and decoded payloads are embedded in one call and compared with
 * built-in attack examples ({@code attack-examples.txt}) and with benign anchors that share their
 * vocabulary ({@code benign-anchors.txt}: questions about prompt injection, a user taking back a
 * request, harmless role play); the margin is the best window's similarity to its nearest attack
 * minus its similarity to its nearest anchor. A HIGH pattern decides alone and skips the
 * embedding. Otherwise the confidence is the stronger of the two kinds, one level higher when
 * both are present: two independent weak signals make a stronger one.
 *
 * <p>Calibration. The margins were chosen on {@code PromptAttackCalibrationTest}: 61 prompts
 * written for calibration only plus 99 everyday prompts
 * ({@code guardrails/calibration/everyday-prompts.jsonl}), apart from the built-in examples and
 * anchors and from the evaluation sets
 * ({@code guardrails/eval/attacks.jsonl} and {@code everyday.jsonl}, which chose nothing).
 * {@link #MEDIUM_MARGIN}: F1 at strength MEDIUM is within 0.02 of its best. {@link #HIGH_MARGIN}:
 * above every benign calibration prompt, so that similarity alone says HIGH only when it is close
 * to certain. {@link #LOW_MARGIN}: LOW is what strength HIGH blocks, so it has to stand clear of
 * the noise of everyday prompts, which are far from every attack and every anchor alike and come
 * out anywhere between -0.2 and 0.1; F1 cannot place it (the calibration attacks found by
 * similarity alone lie above the MEDIUM margin or below zero, so F1 is flat in between), so it is
 * the least margin at which strength HIGH blocks at most 1% of the benign calibration prompts
 * (0.10), plus a step for benign prompts the calibration set does not have.
 * {@link #CORROBORATING_MARGIN}: beside a pattern, merely being nearer a known attack than to any
 * benign anchor counts as weak evidence. One caveat: the patterns, the examples, the anchors and
 * the evaluation sets were written by the same author, and so share blind spots.
 *
 * <p>Thread-safe: immutable after construction, provided the embedder is thread-safe.
 */
public final class PromptAttackFilter {
    public static final double HIGH_MARGIN = 0.25;
    public static final double MEDIUM_MARGIN = 0.19;
    public static final double LOW_MARGIN = 0.11;
    public static final double CORROBORATING_MARGIN = 0.0;
    static final Margins MARGINS = new Margins(HIGH_MARGIN, MEDIUM_MARGIN, LOW_MARGIN, CORROBORATING_MARGIN);

    private final Embedder embedder;
    private final VectorSet attacks;
    private final List<String> attackCategories;
    private final VectorSet benign;

    public PromptAttackFilter(Embedder embedder) {
        this.embedder = embedder;
        ReferenceTexts attackExamples = ReferenceTexts.load("attack-examples.txt");
        ReferenceTexts benignAnchors = ReferenceTexts.load("benign-anchors.txt");
        List<String> texts = new ArrayList<>(attackExamples.texts());
        texts.addAll(benignAnchors.texts());
        float[][] units = VectorSet.embed(embedder, texts);
        this.attacks = VectorSet.of(units, 0, attackExamples.size());
        this.attackCategories = attackExamples.categories();
        this.benign = VectorSet.of(units, attackExamples.size(), units.length);
    }

    /** How sure the filter is that {@code text} is a prompt attack, and on what evidence. */
    public AttackAssessment assess(String text) {
        if (text.isBlank()) return AttackAssessment.NONE;
        Readings readings = Readings.of(text);
        Optional<AttackPattern> pattern = AttackPattern.strongestIn(readings.all());
        if (pattern.isPresent() && pattern.get().confidence() == Confidence.HIGH) return judge(pattern, null, MARGINS);
        return judge(pattern, similarity(text, readings), MARGINS);
    }

    /** The best margin of the prompt's windows and decoded payloads, embedded in one call. */
    Similarity similarity(String text, Readings readings) {
        List<String> inputs = new ArrayList<>(Windows.of(text));
        for (String payload : readings.payloads()) inputs.addAll(Windows.of(payload));
        Similarity best = null;
        for (float[] unit : VectorSet.embed(embedder, inputs)) {
            int nearest = attacks.nearest(unit);
            double margin = attacks.similarity(nearest, unit) - benign.nearestSimilarity(unit);
            if (best == null || margin > best.margin()) best = new Similarity(margin, attackCategories.get(nearest));
        }
        return best;
    }

    /**
     * Weighs the evidence; {@code similarity} is null when a HIGH pattern made embedding needless.
     * Separate from {@link #assess} so that calibration can replay it with other margins.
     */
    static AttackAssessment judge(Optional<AttackPattern> pattern, Similarity similarity, Margins margins) {
        if (pattern.isEmpty()) {
            Confidence meaning = similarity == null ? Confidence.NONE : margins.confidence(similarity.margin());
            return meaning == Confidence.NONE ? AttackAssessment.NONE : new AttackAssessment(meaning, similarity.evidence());
        }
        AttackPattern p = pattern.get();
        Confidence support = similarity == null ? Confidence.NONE : margins.corroboration(similarity.margin());
        return support == Confidence.NONE
                ? new AttackAssessment(p.confidence(), patternEvidence(p))
                : new AttackAssessment(corroborated(p.confidence(), support), patternEvidence(p) + "; " + similarity.evidence());
    }

    private static Confidence corroborated(Confidence a, Confidence b) {
        Confidence stronger = a.compareTo(b) >= 0 ? a : b;
        return stronger == Confidence.HIGH ? stronger : Confidence.values()[stronger.ordinal() + 1];
    }

    private static String patternEvidence(AttackPattern pattern) {
        return "pattern '" + pattern.label() + "'";
    }

    /** The least margin for each confidence, and for weak evidence beside a pattern. */
    record Margins(double high, double medium, double low, double corroborating) {
        Confidence confidence(double margin) {
            if (margin >= high) return Confidence.HIGH;
            if (margin >= medium) return Confidence.MEDIUM;
            if (margin >= low) return Confidence.LOW;
            return Confidence.NONE;
        }

        /** What the margin adds to a pattern's evidence: at least LOW once it is past {@link #corroborating}. */
        Confidence corroboration(double margin) {
            Confidence alone = confidence(margin);
            return alone == Confidence.NONE && margin >= corroborating ? Confidence.LOW : alone;
        }
    }

    /** How near a prompt came to a known attack, net of the nearest benign anchor. */
    record Similarity(double margin, String category) {
        String evidence() {
            return "similar to known attack (" + category + ")";
        }
    }
}
