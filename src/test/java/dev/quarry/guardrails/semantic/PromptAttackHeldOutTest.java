package dev.quarry.guardrails.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.guardrails.detect.Embedder;
import dev.quarry.guardrails.eval.LabelledCase;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The evaluation sets of the prompt-attack filter ({@code eval/attacks.jsonl},
 * {@code eval/everyday.jsonl}, {@code eval/outside.jsonl}) are held out only if nothing the filter was built or calibrated
 * with is one of their prompts. A benign anchor that all but repeats an evaluation prompt scores
 * that prompt by itself and inflates the held-out figures; so does a calibration prompt that is
 * an evaluation prompt. Compared here: the texts as written once case, punctuation and spacing
 * are folded, and their MiniLM embeddings, where a cosine of 0.85 or more is a paraphrase
 * ("How do I enable developer mode on my phone?" beside "... on my Android phone?" is 0.96;
 * prompts on one subject in other words stay below 0.8).
 */
class PromptAttackHeldOutTest {
    static final double PARAPHRASE = 0.85;

    static List<LabelledCase> evaluation;
    static List<String> calibration;

    @BeforeAll
    static void load() {
        evaluation = new ArrayList<>(LabelledCase.load("/guardrails/eval/attacks.jsonl"));
        evaluation.addAll(LabelledCase.load("/guardrails/eval/everyday.jsonl"));
        evaluation.addAll(LabelledCase.load("/guardrails/eval/outside.jsonl"));
        calibration = new ArrayList<>(PromptAttackCalibrationTest.CASES.stream().map(LabelledCase::text).toList());
        calibration.addAll(LabelledCase.load("/guardrails/calibration/everyday-prompts.jsonl").stream().map(LabelledCase::text).toList());
    }

    static String folded(String text) {
        String lower = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        return String.join(" ", lower.replaceAll("[^\\p{L}\\p{N}]+", " ").strip().split(" "));
    }

    @Test
    void noCalibrationPromptIsAnEvaluationPrompt() {
        List<String> shared = new ArrayList<>();
        for (LabelledCase e : evaluation) {
            for (String c : calibration) if (folded(c).equals(folded(e.text()))) shared.add(e.id() + ": " + c);
        }
        assertThat(shared).isEmpty();
    }

    @Test
    void noAnchorOrExampleOrCalibrationPromptParaphrasesAnEvaluationPrompt() {
        Embedder embedder = MiniLm.embedder();
        List<String> references = new ArrayList<>();
        references.addAll(ReferenceTexts.load("benign-anchors.txt").texts());
        references.addAll(ReferenceTexts.load("attack-examples.txt").texts());
        references.addAll(calibration);
        float[][] refs = VectorSet.embed(embedder, references);
        VectorSet set = VectorSet.of(refs, 0, refs.length);
        float[][] evals = VectorSet.embed(embedder, evaluation.stream().map(LabelledCase::text).toList());
        List<String> close = new ArrayList<>();
        for (int i = 0; i < evals.length; i++) {
            int nearest = set.nearest(evals[i]);
            double similarity = set.similarity(nearest, evals[i]);
            if (similarity >= 0.8) System.out.printf("held-out check %.3f %s | %s%n", similarity, evaluation.get(i).id(), references.get(nearest));
            if (similarity >= PARAPHRASE) close.add(String.format("%.3f %s '%s' ~ '%s'", similarity, evaluation.get(i).id(), evaluation.get(i).text(), references.get(nearest)));
        }
        assertThat(close).isEmpty();
    }
}
