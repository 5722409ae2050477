package dev.quarry.guardrails.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.guardrails.detect.Detection;
import dev.quarry.guardrails.detect.PatternDetector;
import dev.quarry.guardrails.pii.PiiDetectors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every supported PII detector on every case of {@code guardrails/eval/pii.jsonl}. A case lists
 * every PII type a reader sees in it, supported or not (a case with a name says NAME); only the
 * supported types are scored, so the set also records what Quarry does not find.
 */
class PiiEvaluationTest {
    private static final String SET = "/guardrails/eval/pii.jsonl";

    record Case(String id, String text, Set<String> expect) {}

    private static List<Case> cases;

    @BeforeAll
    static void readTheSet() throws IOException {
        ObjectMapper json = new ObjectMapper();
        cases = new ArrayList<>();
        try (InputStream in = Objects.requireNonNull(PiiEvaluationTest.class.getResourceAsStream(SET), SET);
                BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank()) continue;
                JsonNode node = json.readTree(line);
                Set<String> expect = new TreeSet<>();
                node.get("expect").forEach(label -> expect.add(label.asText()));
                cases.add(new Case(node.get("id").asText(), node.get("text").asText(), expect));
            }
        }
    }

    @Test
    void theSetIsLargeAndCoversEverySupportedType() {
        assertThat(cases).hasSizeGreaterThanOrEqualTo(220);
        assertThat(cases.stream().map(Case::id).distinct().count()).as("distinct ids").isEqualTo(cases.size());
        Map<String, Long> positives = cases.stream().flatMap(c -> c.expect().stream())
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
        for (Case c : cases) {
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
