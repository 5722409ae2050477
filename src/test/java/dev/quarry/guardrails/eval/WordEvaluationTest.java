package dev.quarry.guardrails.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.guardrails.detect.Detection;
import dev.quarry.guardrails.words.WordList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The word filters over {@code guardrails/eval/words.jsonl}: a company's custom list (internal
 * code names, derogatory nicknames for competitors) and the managed profanity list, on texts
 * with hard negatives (Scunthorpe, words inside words, ordinary senses of listed words) and
 * positives in varied case, context and spelling.
 */
class WordEvaluationTest {
    /** The custom list every case is scored against. */
    private static final WordList CODE_NAMES = WordList.custom(List.of(
            "Project Nightjar", "bluefin", "Operation Tidewater", "KX-42", "Nimbus Stack", "Slowbase", "Orcacloud", "Snailforce"));

    @Test
    void wordFiltersMeetTheirPrecisionAndRecall() {
        List<LabelledCase> cases = LabelledCase.load("/guardrails/eval/words.jsonl");
        assertThat(cases).hasSizeGreaterThanOrEqualTo(60);

        Scorecard card = new Scorecard("Word filters");
        card.expectLabel("CUSTOM");
        card.expectLabel("PROFANITY");
        for (LabelledCase c : cases) {
            Set<String> found = Stream.of(CODE_NAMES, WordList.profanity())
                    .flatMap(list -> list.find(c.text()).stream())
                    .map(Detection::type)
                    .collect(Collectors.toSet());
            card.score(c.id(), c.expect(), found);
        }
        card.assertAtLeast(0.95, 0.90);
    }
}
