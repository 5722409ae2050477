package dev.quarry.guardrails.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.Usage;
import dev.quarry.guardrails.Assessment;
import dev.quarry.guardrails.Detectors;
import dev.quarry.guardrails.Finding;
import dev.quarry.guardrails.Guard;
import dev.quarry.guardrails.GuardRecord;
import dev.quarry.guardrails.GuardedStream;
import dev.quarry.guardrails.GuardrailRef;
import dev.quarry.guardrails.GuardrailSpec;
import dev.quarry.guardrails.GuardrailSpec.Action;
import dev.quarry.guardrails.GuardrailSpec.PiiRule;
import dev.quarry.guardrails.GuardrailSpec.Source;
import dev.quarry.guardrails.Verdict;
import dev.quarry.guardrails.detect.Confidence;
import dev.quarry.guardrails.pii.PiiDetectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The PII evasion set, {@code guardrails/eval/evasion.jsonl}: values written to slip past
 * detectors that read ASCII digits and one separator (typographic spaces and dashes, mixed
 * separators, digits of other scripts, invisible characters, full-width punctuation), and text in
 * other scripts that holds no PII. Every case goes through a guardrail that anonymises every
 * supported type, as a prompt (checked whole) and as a streamed answer (in deltas of a few
 * characters, so values and invisible characters are cut between deltas). Every value must be
 * caught, nothing else flagged, and nothing the guard can still find may leave it.
 */
class PiiEvasionEvaluationTest {
    private static final String SET = "/guardrails/eval/evasion.jsonl";
    private static final List<LabelledCase> CASES = LabelledCase.load(SET);
    private static final Guard GUARD = anonymisingEveryType();
    /** Deltas this long cut most values, and some characters written as two UTF-16 units, in two. */
    private static final int DELTA = 3;

    private static Guard anonymisingEveryType() {
        List<PiiRule> rules = PiiDetectors.supportedTypes().stream().map(t -> new PiiRule(t, Action.ANONYMIZE, null, null)).toList();
        GuardrailSpec spec = new GuardrailSpec("evasion", null,
                new GuardrailSpec.SensitiveInformation(rules, List.of(), GuardrailSpec.Placeholders.TYPE),
                List.of(), GuardrailSpec.Words.NONE, Confidence.NONE, "blocked in", "blocked out");
        return Guard.compile(new GuardrailRef("evasion", "1", false), spec, new Detectors(texts -> {
            throw new AssertionError("no semantic filter is configured");
        }));
    }

    @Test
    void theSetHasEnoughEvasionsAndEnoughTextThatIsNoPii() {
        assertThat(CASES.stream().filter(c -> !c.expect().isEmpty()).count()).as("evasions").isGreaterThanOrEqualTo(60);
        assertThat(CASES.stream().filter(c -> c.expect().isEmpty()).count()).as("cases without PII").isGreaterThanOrEqualTo(20);
        assertThat(CASES.stream().map(LabelledCase::id).distinct().count()).as("distinct ids").isEqualTo(CASES.size());
    }

    @Test
    void theInputGuardCatchesEveryEvasion() {
        Scorecard card = new Scorecard("PII input guard on " + SET);
        List<String> leaks = new ArrayList<>();
        for (LabelledCase c : CASES) {
            Verdict verdict = GUARD.checkUserTexts(Source.INPUT, List.of(c.text()), GUARD.placeholders());
            card.score(c.id(), c.expect(), types(verdict.assessment()));
            String passed = verdict.outputs().isEmpty() ? c.text() : verdict.outputs().getFirst();
            leaks.addAll(leaks(c, passed));
        }
        card.assertAtLeast(1.0, 1.0);
        assertThat(leaks).isEmpty();
    }

    @Test
    void theStreamingOutputGuardCatchesEveryEvasion() {
        Scorecard card = new Scorecard("PII streaming output guard on " + SET + ", deltas of " + DELTA + " characters");
        List<String> leaks = new ArrayList<>();
        for (LabelledCase c : CASES) {
            GuardRecord record = new GuardRecord(GUARD.ref(), (source, assessment) -> { });
            StringBuilder released = new StringBuilder();
            try (GuardedStream stream = new GuardedStream(EventStream.of(answer(c.text())), GUARD, false, GUARD.placeholders(), record,
                    () -> 0)) {
                stream.forEachRemaining(e -> {
                    if (e instanceof StreamEvent.TextDelta t) released.append(t.text());
                });
            }
            card.score(c.id(), c.expect(), types(record.output()));
            if (c.expect().isEmpty()) assertThat(released).as(c.id() + " passes unchanged").hasToString(c.text());
            leaks.addAll(leaks(c, released.toString()));
        }
        card.assertAtLeast(1.0, 1.0);
        assertThat(leaks).isEmpty();
    }

    private static Set<String> types(Assessment assessment) {
        Set<String> types = new TreeSet<>();
        for (Finding f : assessment.findings()) if (f instanceof Finding.Pii pii) types.add(pii.type());
        return types;
    }

    /** What the guard still finds in what it let pass. */
    private static List<String> leaks(LabelledCase c, String passed) {
        Set<String> left = types(GUARD.checkUserTexts(Source.INPUT, List.of(passed), GUARD.placeholders()).assessment());
        return left.isEmpty() ? List.of() : List.of(c.id() + " let " + left + " through: " + passed);
    }

    private static List<StreamEvent> answer(String text) {
        List<StreamEvent> events = new ArrayList<>();
        events.add(new StreamEvent.MessageStart("m1", "stub"));
        events.add(new StreamEvent.BlockStart(0, new ContentBlock.Text("")));
        for (int i = 0; i < text.length(); i += DELTA) events.add(new StreamEvent.TextDelta(0, text.substring(i, Math.min(text.length(), i + DELTA))));
        events.add(new StreamEvent.BlockStop(0));
        events.add(new StreamEvent.UsageReport(new Usage(12, 30, 0, 0)));
        events.add(new StreamEvent.MessageStop(StopReason.END_TURN));
        return events;
    }
}
