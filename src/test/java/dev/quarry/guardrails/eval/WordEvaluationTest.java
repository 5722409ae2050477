package dev.quarry.guardrails.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.guardrails.detect.Detection;
import dev.quarry.guardrails.words.WordList;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
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

    private record Case(String id, String text, Set<String> expect) {}

    @Test
    void wordFiltersMeetTheirPrecisionAndRecall() throws IOException {
        List<Case> cases = cases();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(60);

        Scorecard card = new Scorecard("Word filters");
        card.expectLabel("CUSTOM");
        card.expectLabel("PROFANITY");
        for (Case c : cases) {
            Set<String> found = Stream.of(CODE_NAMES, WordList.profanity())
                    .flatMap(list -> list.find(c.text()).stream())
                    .map(Detection::type)
                    .collect(Collectors.toSet());
            card.score(c.id(), c.expect(), found);
        }
        card.assertAtLeast(0.95, 0.90);
    }

    private static List<Case> cases() throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (InputStream in = Objects.requireNonNull(WordEvaluationTest.class.getResourceAsStream("/guardrails/eval/words.jsonl"))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(line -> !line.isBlank()).map(line -> {
                try {
                    JsonNode node = json.readTree(line);
                    Set<String> expect = new HashSet<>();
                    node.get("expect").forEach(label -> expect.add(label.asText()));
                    return new Case(node.get("id").asText(), node.get("text").asText(), expect);
                } catch (IOException e) {
                    throw new IllegalStateException("bad case: " + line, e);
                }
            }).toList();
        }
    }
}
