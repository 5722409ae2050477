package dev.quarry.guardrails.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.guardrails.detect.Detection;
import dev.quarry.guardrails.detect.PatternDetector;
import dev.quarry.guardrails.pii.PiiDetectors;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every supported PII detector on every case of {@code guardrails/eval/pii.jsonl}. A case lists
 * every PII type a reader sees in it, supported or not (a case with a name says NAME); only the
 * supported types are scored, so the set also records what Quarry does not find.
 */
class PiiEvaluationTest {
    private static final String SET = "/guardrails/eval/pii.jsonl";

    private static final List<LabelledCase> CASES = LabelledCase.load(SET);

    @Test
    void theSetIsLargeAndCoversEverySupportedType() {
        assertThat(CASES).hasSizeGreaterThanOrEqualTo(220);
        assertThat(CASES.stream().map(LabelledCase::id).distinct().count()).as("distinct ids").isEqualTo(CASES.size());
        Map<String, Long> positives = CASES.stream().flatMap(c -> c.expect().stream())
                .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
        for (String type : PiiDetectors.supportedTypes()) {
            assertThat(positives.getOrDefault(type, 0L)).as("positive cases of " + type).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void everySupportedTypeIsPreciseAndFindsWhatIsThere() {
        Set<String> supported = PiiDetectors.supportedTypes();
        List<PatternDetector> detectors = supported.stream().map(PiiDetectors::forType).toList();
        Scorecard card = new Scorecard("PII detectors on " + SET);
        supported.forEach(card::expectLabel);
        for (LabelledCase c : CASES) {
            Set<String> found = new TreeSet<>();
            for (PatternDetector detector : detectors) {
                detector.find(c.text()).stream().map(Detection::type).forEach(found::add);
            }
            Set<String> expected = new TreeSet<>(c.expect());
            expected.retainAll(supported);
            card.score(c.id(), expected, found);
        }
        card.assertAtLeast(0.95, 0.90);
    }
}
