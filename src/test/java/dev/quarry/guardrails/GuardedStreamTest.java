package dev.quarry.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.Usage;
import dev.quarry.guardrails.GuardrailSpec.Action;
import dev.quarry.guardrails.GuardrailSpec.PiiRule;
import dev.quarry.guardrails.GuardrailSpec.Placeholders;
import dev.quarry.guardrails.GuardrailSpec.RegexRule;
import dev.quarry.guardrails.GuardrailSpec.SensitiveInformation;
import dev.quarry.guardrails.GuardrailSpec.Source;
import dev.quarry.guardrails.detect.Confidence;
import dev.quarry.guardrails.regex.ReadBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class GuardedStreamTest {
    /** Luhn-valid, not one of the published test numbers. */
    private static final String CARD = "4539 1488 0343 6467";
    private static final String EMAIL = "john.doe@example.org";
    private static final String ANSWER = "Your card " + CARD + " is on file; write to " + EMAIL + " for help. Thanks for waiting.";

    private static Guard guard(Action card, Action email) {
        GuardrailSpec spec = new GuardrailSpec("test", null,
                new SensitiveInformation(List.of(new PiiRule("CREDIT_DEBIT_CARD_NUMBER", card, null, null), new PiiRule("EMAIL", email, null, null)),
                        List.of(new RegexRule("order-id", null, "ORD-[0-9]{6}", Action.ANONYMIZE)), Placeholders.TYPE),
                List.of(), GuardrailSpec.Words.NONE, Confidence.NONE, "blocked in", "blocked out");
        return Guard.compile(new GuardrailRef("test", "1", false), spec, new Detectors(texts -> {
            throw new AssertionError("no semantic filter is configured");
        }));
    }

    private static List<StreamEvent> answer(List<String> chunks) {
        List<StreamEvent> events = new ArrayList<>();
        events.add(new StreamEvent.MessageStart("m1", "stub"));
        events.add(new StreamEvent.BlockStart(0, new ContentBlock.Text("")));
        for (String chunk : chunks) events.add(new StreamEvent.TextDelta(0, chunk));
        events.add(new StreamEvent.BlockStop(0));
        events.add(new StreamEvent.UsageReport(new Usage(12, 30, 0, 0)));
        events.add(new StreamEvent.MessageStop(StopReason.END_TURN));
        return events;
    }

    private static List<String> cut(String text, int... at) {
        List<String> chunks = new ArrayList<>();
        int from = 0;
        for (int i : at) {
            chunks.add(text.substring(from, i));
            from = i;
        }
        chunks.add(text.substring(from));
        return chunks;
    }

    private record Run(String text, List<StreamEvent> events, GuardRecord record) {}

    private static Run run(Guard guard, boolean whole, List<String> chunks) {
        GuardRecord record = new GuardRecord(guard.ref(), (s, a) -> { });
        List<StreamEvent> out = new ArrayList<>();
        try (GuardedStream stream = new GuardedStream(EventStream.of(answer(chunks)), guard, whole, guard.placeholders(), record, () -> 12)) {
            stream.forEachRemaining(out::add);
        }
        StringBuilder text = new StringBuilder();
        for (StreamEvent e : out) if (e instanceof StreamEvent.TextDelta t) text.append(t.text());
        return new Run(text.toString(), out, record);
    }

    @Test
    void valuesSplitAcrossChunksAreAnonymisedBeforeAnyOfThemIsSent() {
        int cardStart = ANSWER.indexOf(CARD);
        int emailStart = ANSWER.indexOf(EMAIL);
        Run run = run(guard(Action.ANONYMIZE, Action.ANONYMIZE), false, cut(ANSWER, cardStart + 7, cardStart + 13, emailStart + 5, emailStart + 14));
        assertThat(run.text()).isEqualTo("Your card {CREDIT_DEBIT_CARD_NUMBER} is on file; write to {EMAIL} for help. Thanks for waiting.");
        for (StreamEvent e : run.events()) {
            if (e instanceof StreamEvent.TextDelta t) assertThat(t.text()).doesNotContain("4539", "1488", "0343", "6467", "john", "example");
        }
        assertThat(run.record().output().summary()).contains("CREDIT_DEBIT_CARD_NUMBER ANONYMIZED", "EMAIL ANONYMIZED");
        assertThat(run.record().action()).isEqualTo("OUTPUT_ANONYMIZED");
    }

    @Property(tries = 200)
    void wherever_the_chunks_are_cut_no_digit_of_the_card_leaves(@ForAll @IntRange(min = 1, max = 80) int a, @ForAll @IntRange(min = 1, max = 80) int b) {
        int first = Math.min(a, b);
        int second = Math.max(a, b);
        List<String> chunks = first == second ? cut(ANSWER, first) : cut(ANSWER, first, second);
        Run run = run(guard(Action.ANONYMIZE, Action.ANONYMIZE), false, chunks);
        assertThat(run.text()).doesNotContain("4539", "6467", EMAIL).contains("{CREDIT_DEBIT_CARD_NUMBER}", "{EMAIL}");
    }

    @Test
    void textIsReleasedBeforeTheAnswerEnds() {
        String longAnswer = "Here is a long and harmless answer. ".repeat(20);
        GuardRecord record = new GuardRecord(guard(Action.BLOCK, Action.BLOCK).ref(), (s, a) -> { });
        AtomicBoolean upstreamDone = new AtomicBoolean();
        List<StreamEvent> upstream = answer(cut(longAnswer, 100, 200, 300, 400, 500, 600));
        EventStream source = new EventStream() {
            int i;

            public boolean hasNext() {
                return i < upstream.size();
            }

            public StreamEvent next() {
                if (i == upstream.size() - 1) upstreamDone.set(true);
                return upstream.get(i++);
            }

            public void close() {
            }
        };
        Guard guard = guard(Action.BLOCK, Action.BLOCK);
        try (GuardedStream stream = new GuardedStream(source, guard, false, guard.placeholders(), record, () -> 0)) {
            StreamEvent first;
            do {
                first = stream.next();
            } while (!(first instanceof StreamEvent.TextDelta));
            assertThat(upstreamDone).isFalse();
            assertThat(((StreamEvent.TextDelta) first).text()).isNotEmpty();
        }
    }

    @Test
    void aBlockedValueEndsTheStreamWithTheMessageAndAnEstimateOfUsage() {
        int cardStart = ANSWER.indexOf(CARD);
        Run run = run(guard(Action.BLOCK, Action.ANONYMIZE), false, cut(ANSWER, cardStart + 4, cardStart + 12));
        assertThat(run.text()).endsWith("blocked out").doesNotContain("4539", "1488", "0343", "6467");
        // Only text the hold-back had cleared went out before the card: a prefix of what precedes it.
        assertThat("Your card ").startsWith(run.text().substring(0, run.text().indexOf("blocked out")).strip());
        assertThat(run.events().getLast()).isEqualTo(new StreamEvent.MessageStop(StopReason.GUARDRAIL_INTERVENED));
        assertThat(run.events()).anyMatch(e -> e instanceof StreamEvent.UsageReport u && u.usage().inputTokens() == 12 && u.usage().outputTokens() > 0);
        assertThat(run.record().action()).isEqualTo("OUTPUT_BLOCKED");
    }

    @Test
    void proseIsReleasedAtOnceAndOnlyWhatCouldStartAValueIsHeld() {
        String prose = "Thanks for asking about the delivery; it left the warehouse this morning and should arrive";
        Guard cards = only("CREDIT_DEBIT_CARD_NUMBER");
        assertThat(cards.releasable(prose)).as("no digit, so no card number can be under way").isEqualTo(prose.length());
        assertThat(cards.releasable(prose + " by 4539")).as("a number starting").isEqualTo(prose.length() + 4);
        Guard emails = only("EMAIL");
        assertThat(emails.releasable(prose + " to jo")).as("an address may be under way in the last five words ('jo (at) example (dot) com')")
                .isEqualTo(prose.lastIndexOf("and should"));
        assertThat(emails.releasable("write alice (at) example (dot) c")).as("'alice' is part of the address").isEqualTo("write ".length());
    }

    @Test
    void aCharacterWrittenAsTwoUnitsIsNotReleasedInHalves() {
        String prose = "The number on file is ";
        assertThat(only("CREDIT_DEBIT_CARD_NUMBER").releasable(prose + "\uD835")).as("the first half of 𝟒").isEqualTo(prose.length());
    }

    @Test
    void invisibleCharactersCannotStretchAValueBeyondTheHoldBack() {
        String card = String.join("\u200B".repeat(40), "4539", "1488", "0343", "6467");
        String answer = "Your card " + card + " is on file, thanks for asking about it today.";
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < answer.length(); i += 16) chunks.add(answer.substring(i, Math.min(answer.length(), i + 16)));
        Run run = run(only("CREDIT_DEBIT_CARD_NUMBER"), false, chunks);
        assertThat(run.text()).isEqualTo("Your card {CREDIT_DEBIT_CARD_NUMBER} is on file, thanks for asking about it today.");
    }

    @Test
    void invisibleCharactersCannotPushTheWordsBeforeAValueOutOfTheContext() {
        String answer = "The CVV" + "\u200B".repeat(400) + " is 771, keep it to yourself and do not share it with anyone.";
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < answer.length(); i += 25) chunks.add(answer.substring(i, Math.min(answer.length(), i + 25)));
        Run run = run(only("CREDIT_DEBIT_CARD_CVV"), false, chunks);
        assertThat(run.text()).contains("{CREDIT_DEBIT_CARD_CVV}").doesNotContain("771");
    }

    @Test
    void customWordsAndProfanityAreReadAsAPersonReadsThem() {
        GuardrailSpec spec = new GuardrailSpec("test", null, SensitiveInformation.NONE, List.of(),
                new GuardrailSpec.Words(List.of("project nightjar"), true), Confidence.NONE, "blocked in", "blocked out");
        Guard guard = Guard.compile(new GuardrailRef("w", "1", false), spec, new Detectors(t -> List.of()));
        for (String text : List.of("tell me about project night\u200Bjar", "tell me about ｐｒｏｊｅｃｔ nightjar",
                "tell me about project\u00A0nightjar", "what the fu\u00ADck")) {
            assertThat(guard.checkUserTexts(Source.INPUT, List.of(text), guard.placeholders()).blocked()).as(text).isTrue();
        }
        assertThat(run(guard, false, cut("Sure: project night\u200Bjar ships in May, with more to follow soon after that.", 18, 20)).text())
                .endsWith("blocked out").doesNotContain("night");
    }

    private static Guard only(String piiType) {
        GuardrailSpec spec = new GuardrailSpec("test", null, new SensitiveInformation(List.of(new PiiRule(piiType, Action.ANONYMIZE, null, null)),
                List.of(), Placeholders.TYPE), List.of(), GuardrailSpec.Words.NONE, Confidence.NONE, "in", "out");
        return Guard.compile(new GuardrailRef("hold", "1", false), spec, new Detectors(t -> List.of()));
    }

    @Test
    void anEmailAddressWrittenInWordsIsHeldUntilItIsWhole() {
        Run run = run(guard(Action.BLOCK, Action.ANONYMIZE), false,
                List.of("Please write to our support team at john.doe (at) exam", "ple.com now, and thanks for waiting on this matter."));
        assertThat(run.text()).contains("{EMAIL}").doesNotContain("example", "john.doe");
    }

    @Test
    void textOutsideAnOpenTextBlockIsCheckedAllTheSame() {
        List<StreamEvent> events = List.of(new StreamEvent.MessageStart("m", "stub"), new StreamEvent.TextDelta(0, "mail ann@example.com now"),
                new StreamEvent.MessageStop(StopReason.END_TURN));
        Guard guard = guard(Action.BLOCK, Action.ANONYMIZE);
        GuardRecord record = new GuardRecord(guard.ref(), (s, a) -> { });
        StringBuilder text = new StringBuilder();
        try (GuardedStream stream = new GuardedStream(EventStream.of(events), guard, false, guard.placeholders(), record, () -> 0)) {
            stream.forEachRemaining(e -> {
                if (e instanceof StreamEvent.TextDelta t) text.append(t.text());
            });
        }
        assertThat(text).hasToString("mail {EMAIL} now");
        assertThat(record.action()).isEqualTo("OUTPUT_ANONYMIZED");
    }

    @Test
    void aStreamClosedEarlyStillRecordsWhatWasFound() {
        Guard guard = guard(Action.BLOCK, Action.ANONYMIZE);
        GuardRecord record = new GuardRecord(guard.ref(), (s, a) -> { });
        String answer = "Write to ann@example.com, please. " + "Nothing else to add here at all. ".repeat(5);
        try (GuardedStream stream = new GuardedStream(EventStream.of(answer(cut(answer, 40, 80, 120))), guard, false, guard.placeholders(),
                record, () -> 0)) {
            while (!(stream.next() instanceof StreamEvent.TextDelta t && t.text().contains("{EMAIL}"))) {
                // up to the released placeholder, then the client goes away
            }
        }
        assertThat(record.output()).isNotNull();
        assertThat(record.action()).isEqualTo("OUTPUT_ANONYMIZED");
    }

    @Test
    void aWholeAnswerWithABlockedValueIsReplacedEntirely() {
        Run run = run(guard(Action.BLOCK, Action.ANONYMIZE), true, cut(ANSWER, 5, 20, 40));
        assertThat(run.text()).isEqualTo("blocked out");
    }

    @Test
    void aCleanAnswerPassesUnchangedAndIsRecordedAsNone() {
        Run run = run(guard(Action.BLOCK, Action.BLOCK), false, cut("Nothing to see here, order ORD-12 is short.", 7, 19));
        assertThat(run.text()).isEqualTo("Nothing to see here, order ORD-12 is short.");
        assertThat(run.record().action()).isEqualTo("NONE");
        assertThat(run.events().getLast()).isEqualTo(new StreamEvent.MessageStop(StopReason.END_TURN));
    }

    @Test
    void numberedPlaceholdersGiveTheSameValueTheSameNumber() {
        GuardrailSpec spec = new GuardrailSpec("test", null,
                new SensitiveInformation(List.of(new PiiRule("EMAIL", Action.ANONYMIZE, null, null)), List.of(), Placeholders.NUMBERED),
                List.of(), GuardrailSpec.Words.NONE, Confidence.NONE, "in", "out");
        Guard guard = Guard.compile(new GuardrailRef("n", "1", false), spec, new Detectors(t -> List.of()));
        Verdict verdict = guard.checkUserTexts(Source.INPUT, List.of("ann@example.com wrote to bob@example.com; reply to ann@example.com"), guard.placeholders());
        assertThat(verdict.outputs()).containsExactly("{EMAIL_1} wrote to {EMAIL_2}; reply to {EMAIL_1}");
    }

    @Test
    void perDirectionActionsOverrideTheAction() {
        GuardrailSpec spec = new GuardrailSpec("test", null,
                new SensitiveInformation(List.of(new PiiRule("EMAIL", Action.BLOCK, Action.ANONYMIZE, Action.NONE)), List.of(), Placeholders.TYPE),
                List.of(), GuardrailSpec.Words.NONE, Confidence.NONE, "in", "out");
        Guard guard = Guard.compile(new GuardrailRef("d", "1", false), spec, new Detectors(t -> List.of()));
        assertThat(guard.checkUserTexts(Source.INPUT, List.of("mail ann@example.com"), guard.placeholders()).outputs()).containsExactly("mail {EMAIL}");
        Verdict output = guard.checkUserTexts(Source.OUTPUT, List.of("mail ann@example.com"), guard.placeholders());
        assertThat(output.intervened()).isFalse();
        assertThat(output.assessment().findings()).singleElement().satisfies(f -> assertThat(f.action()).isEqualTo(Finding.Taken.NONE));
    }

    /**
     * Issue 11's pattern reads millions of characters on a run of letters: with a budget per scan,
     * a 16,000-character answer cost tens of seconds, rescanned whole every few deltas once a scan
     * had failed closed. One budget for the answer, and the answer is cut off when it runs out.
     */
    @Test
    void oneReadBudgetCoversTheWholeAnswerAndTheAnswerIsBlockedWhenItRunsOut() {
        GuardrailSpec spec = new GuardrailSpec("test", null,
                new SensitiveInformation(List.of(), List.of(new RegexRule("slow", null, "\\w{0,40}\\w{0,40}\\w{0,40}\\w{0,40}!", Action.ANONYMIZE)),
                        Placeholders.TYPE), List.of(), GuardrailSpec.Words.NONE, Confidence.NONE, "in", "blocked out");
        Guard guard = Guard.compile(new GuardrailRef("r", "1", false), spec, new Detectors(t -> List.of()));
        List<String> deltas = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) deltas.add("aaaaaaaa");
        int[] taken = {0};
        EventStream upstream = EventStream.of(answer(deltas));
        EventStream counting = new EventStream() {
            @Override
            public boolean hasNext() {
                return upstream.hasNext();
            }

            @Override
            public StreamEvent next() {
                taken[0]++;
                return upstream.next();
            }

            @Override
            public void close() {
                upstream.close();
            }
        };
        ReadBudget budget = new ReadBudget();
        List<StreamEvent> out = new ArrayList<>();
        GuardRecord record = new GuardRecord(guard.ref(), (s, a) -> { });
        try (GuardedStream stream = new GuardedStream(counting, guard, false, guard.placeholders(), record, () -> 12, budget)) {
            stream.forEachRemaining(out::add);
        }
        assertThat(budget.exhausted()).isTrue();
        assertThat(budget.spent()).isEqualTo(ReadBudget.PER_REQUEST);
        assertThat(taken[0]).as("upstream events read before the answer was cut off").isLessThan(100);
        assertThat(out.getLast()).isEqualTo(new StreamEvent.MessageStop(StopReason.GUARDRAIL_INTERVENED));
        assertThat(record.action()).isEqualTo("OUTPUT_BLOCKED");
    }
}
