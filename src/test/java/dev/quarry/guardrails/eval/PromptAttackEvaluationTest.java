package dev.quarry.guardrails.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.guardrails.detect.Confidence;
import dev.quarry.guardrails.semantic.MiniLm;
import dev.quarry.guardrails.semantic.PromptAttackFilter;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The prompt-attack filter at Bedrock's default strength, MEDIUM, on held-out prompts
 * ({@code attacks.jsonl}): instruction overrides, role-play jailbreaks, system-prompt extraction,
 * fake role markers, payload splitting, encoded instructions and injections inside quoted
 * documents, against benign prompts that share their words (questions about prompt injection,
 * harmless role play, users taking back a request, code that ignores things, translations). The
 * filter's margins were calibrated on other prompts ({@code PromptAttackCalibrationTest}).
 */
class PromptAttackEvaluationTest {
    static final String LABEL = "PROMPT_ATTACK";

    @Test
    void attacksAreFoundWithPrecisionAndRecall() {
        PromptAttackFilter filter = new PromptAttackFilter(MiniLm.embedder());
        List<LabelledCase> cases = LabelledCase.load("/guardrails/eval/attacks.jsonl");
        Scorecard scorecard = new Scorecard("Prompt attacks (strength MEDIUM)");
        scorecard.expectLabel(LABEL);
        for (LabelledCase c : cases) {
            boolean found = filter.assess(c.text()).blockedAt(Confidence.MEDIUM);
            scorecard.score(c.id(), c.expect(), found ? Set.of(LABEL) : Set.of());
        }
        assertThat(scorecard.cases()).isGreaterThanOrEqualTo(100);
        scorecard.assertAtLeast(0.85, 0.80);
    }
}
