package dev.quarry.guardrails.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.guardrails.Detectors;
import dev.quarry.guardrails.Guard;
import dev.quarry.guardrails.GuardedText;
import dev.quarry.guardrails.GuardrailRef;
import dev.quarry.guardrails.GuardrailSpec;
import dev.quarry.guardrails.GuardrailSpec.Action;
import dev.quarry.guardrails.GuardrailSpec.PiiRule;
import dev.quarry.guardrails.GuardrailSpec.SensitiveInformation;
import dev.quarry.guardrails.GuardrailSpec.Source;
import dev.quarry.guardrails.RequestTexts;
import dev.quarry.guardrails.Verdict;
import dev.quarry.guardrails.detect.Confidence;
import dev.quarry.surface.anthropic.MessagesDecoder;
import dev.quarry.surface.bedrock.ConverseDecoder;
import dev.quarry.surface.openai.ChatCompletionsDecoder;
import dev.quarry.surface.openai.EmbeddingsCodec;
import dev.quarry.surface.openai.ResponsesDecoder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The request-shaped evasion set, {@code guardrails/eval/requests.jsonl}: each case a request body
 * for one surface, decoded as that surface decodes it, and the verdict the input guard must reach
 * with card numbers blocked and e-mail addresses anonymised. It covers every field beside the
 * conversation that reaches a provider and values split across parts, blocks and messages, with
 * clean requests full of numbers as negatives. Every case must come out as labelled.
 */
class RequestEvaluationTest {
    private static final String SET = "/guardrails/eval/requests.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private record RequestCase(String id, String surface, ObjectNode body, String expect) {}

    private static final List<RequestCase> CASES = load();

    private static final Guard GUARD = Guard.compile(new GuardrailRef("eval", "1", false), new GuardrailSpec("eval", null,
            new SensitiveInformation(List.of(new PiiRule("CREDIT_DEBIT_CARD_NUMBER", Action.BLOCK, null, null),
                    new PiiRule("EMAIL", Action.ANONYMIZE, null, null)), List.of(), GuardrailSpec.Placeholders.TYPE),
            List.of(), GuardrailSpec.Words.NONE, Confidence.NONE, "blocked", "withheld"), new Detectors(texts -> {
                throw new AssertionError("no semantic filter is configured");
            }));

    /** How each surface turns a body into the texts the guard reads. */
    private static final Map<String, Function<ObjectNode, List<GuardedText>>> SURFACES = Map.of(
            "openai-chat", body -> RequestTexts.of(ChatCompletionsDecoder.decode(body).request()),
            "openai-responses", body -> RequestTexts.of(ResponsesDecoder.decode(body).request()),
            "anthropic-messages", body -> RequestTexts.of(MessagesDecoder.decode(body).request()),
            "bedrock-converse", body -> RequestTexts.of(ConverseDecoder.decode("anthropic.claude-sonnet-4-5-20250929-v1:0", body)),
            "openai-embeddings", body -> RequestTexts.of(EmbeddingsCodec.decode(body).request()));

    @Test
    void theSetCoversEverySurfaceAndHasNegatives() {
        assertThat(CASES).hasSizeGreaterThanOrEqualTo(25);
        assertThat(CASES.stream().map(RequestCase::id).distinct().count()).as("distinct ids").isEqualTo(CASES.size());
        Map<String, Long> bySurface = CASES.stream().collect(Collectors.groupingBy(RequestCase::surface, TreeMap::new, Collectors.counting()));
        assertThat(bySurface.keySet()).isEqualTo(SURFACES.keySet());
        assertThat(CASES.stream().filter(c -> c.expect().equals("NONE")).count()).as("negative cases").isGreaterThanOrEqualTo(5);
        assertThat(CASES.stream().filter(c -> c.id().contains("split")).count()).as("splits").isGreaterThanOrEqualTo(10);
    }

    @Test
    void everyCaseGetsItsVerdict() {
        List<String> wrong = new ArrayList<>();
        for (RequestCase c : CASES) {
            Verdict verdict = GUARD.check(Source.INPUT, SURFACES.get(c.surface()).apply(c.body()), GUARD.placeholders());
            String got = verdict.blocked() ? "BLOCKED" : verdict.intervened() ? "ANONYMIZED" : "NONE";
            if (!got.equals(c.expect())) wrong.add(c.id() + ": expected " + c.expect() + ", got " + got);
        }
        assertThat(wrong).as("cases judged otherwise than labelled").isEmpty();
    }

    private static List<RequestCase> load() {
        List<RequestCase> cases = new ArrayList<>();
        try (InputStream in = RequestEvaluationTest.class.getResourceAsStream(SET)) {
            if (in == null) throw new IllegalStateException("missing test resource " + SET);
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank()) continue;
                JsonNode c = JSON.readTree(line);
                cases.add(new RequestCase(c.get("id").asText(), c.get("surface").asText(), (ObjectNode) c.get("body"), c.get("expect").asText()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cases;
    }
}
