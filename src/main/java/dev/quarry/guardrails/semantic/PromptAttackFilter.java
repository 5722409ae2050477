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
 * written for calibration only, apart from the built-in examples and from the evaluation set
 * ({@code guardrails/eval/attacks.jsonl}, which chose nothing). {@link #MEDIUM_MARGIN}: F1 at
 * strength MEDIUM is flat within 0.02 of its best (0.92) from 0.11 to 0.25, and 0.19 sits in
 * the best stretch of it. {@link #HIGH_MARGIN}: above every benign calibration prompt (the
 * highest is 0.23), so that similarity alone says HIGH only when it is close to certain.
 * {@link #LOW_MARGIN}: nearer a known attack than to any benign anchor; every calibration attack
 * reaches it, and LOW blocks only at strength HIGH. One caveat: the patterns, the examples and
 * the evaluation set were written by the same author, and so share blind spots.
 *
 * <p>Thread-safe: immutable after construction, provided the embedder is thread-safe.
 */
public final class PromptAttackFilter {
    public static final double HIGH_MARGIN = 0.25;
    public static final double MEDIUM_MARGIN = 0.19;
    public static final double LOW_MARGIN = 0.0;
    static final Margins MARGINS = new Margins(HIGH_MARGIN, MEDIUM_MARGIN, LOW_MARGIN);

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
        Confidence meaning = similarity == null ? Confidence.NONE : margins.confidence(similarity.margin());
        return switch (pattern.orElse(null)) {
            case null -> meaning == Confidence.NONE ? AttackAssessment.NONE : new AttackAssessment(meaning, similarity.evidence());
            case AttackPattern p when meaning == Confidence.NONE -> new AttackAssessment(p.confidence(), patternEvidence(p));
            case AttackPattern p -> new AttackAssessment(corroborated(p.confidence(), meaning),
                    patternEvidence(p) + "; " + similarity.evidence());
        };
    }

    private static Confidence corroborated(Confidence a, Confidence b) {
        Confidence stronger = a.compareTo(b) >= 0 ? a : b;
        return stronger == Confidence.HIGH ? stronger : Confidence.values()[stronger.ordinal() + 1];
    }

    private static String patternEvidence(AttackPattern pattern) {
        return "pattern '" + pattern.label() + "'";
    }

    /** The least margin for each confidence. */
    record Margins(double high, double medium, double low) {
        Confidence confidence(double margin) {
            if (margin >= high) return Confidence.HIGH;
            if (margin >= medium) return Confidence.MEDIUM;
            if (margin >= low) return Confidence.LOW;
            return Confidence.NONE;
        }
    }

    /** How near a prompt came to a known attack, net of the nearest benign anchor. */
    record Similarity(double margin, String category) {
        String evidence() {
            return "similar to known attack (" + category + ")";
        }
    }
}
