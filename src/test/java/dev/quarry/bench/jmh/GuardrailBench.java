package dev.quarry.bench.jmh;

import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.guardrails.Detectors;
import dev.quarry.guardrails.Guard;
import dev.quarry.guardrails.GuardRecord;
import dev.quarry.guardrails.GuardedStream;
import dev.quarry.guardrails.GuardrailRef;
import dev.quarry.guardrails.GuardrailSpec;
import dev.quarry.guardrails.GuardrailSpec.Action;
import dev.quarry.guardrails.GuardrailSpec.PiiRule;
import dev.quarry.guardrails.GuardrailSpec.RegexRule;
import dev.quarry.guardrails.GuardrailSpec.SensitiveInformation;
import dev.quarry.guardrails.GuardrailSpec.Source;
import dev.quarry.guardrails.GuardrailSpec.Words;
import dev.quarry.guardrails.detect.Confidence;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * A pattern guardrail (six PII types, a regex, custom words, profanity; no embedding-model filters)
 * on the two places it runs: the whole check of a 2 KB prompt with an email and a card number in
 * it (in ASCII, and in other scripts with full-width and Arabic-Indic digits, which the PII
 * detectors read through NFKC), and the streaming guard over a clean 200-delta answer (the score
 * is per stream; divide by 200 for a delta). The stream's score is the guard's added cost per
 * answer, not its hold-back.
 */
public class GuardrailBench extends Microbenchmark {
    private static final List<String> TYPES = List.of("EMAIL", "PHONE", "CREDIT_DEBIT_CARD_NUMBER", "US_SOCIAL_SECURITY_NUMBER",
            "INTERNATIONAL_BANK_ACCOUNT_NUMBER", "IP_ADDRESS");

    Guard guard;
    List<String> prompt;
    /** The same prompt sent as 16 content parts of 128 characters: what reading across parts costs. */
    List<String> parts;
    /** The same length in German, Chinese and Arabic, with full-width and Arabic-Indic digits: PII detectors read it through NFKC. */
    List<String> promptInOtherScripts;
    List<StreamEvent> answer;

    @Setup
    public void setUp() {
        List<PiiRule> pii = TYPES.stream().map(t -> new PiiRule(t, t.equals("EMAIL") ? Action.ANONYMIZE : Action.BLOCK, null, null)).toList();
        GuardrailSpec spec = new GuardrailSpec("bench", null,
                new SensitiveInformation(pii, List.of(new RegexRule("order-id", null, "ORD-[0-9]{6}", Action.ANONYMIZE)), null),
                List.of(), new Words(List.of("project nightjar", "bluefin"), true), Confidence.NONE, "blocked", "withheld");
        guard = Guard.compile(new GuardrailRef("bench", "1", false), spec, new Detectors(texts -> {
            throw new IllegalStateException("no semantic filter in this benchmark");
        }));
        String paragraph = "Please summarise the ticket below and draft a polite reply to the customer. The order ORD-123456 was "
                + "delivered late, the customer wrote from jane.roe@example.net and paid with 4539 1488 0343 6467; keep the tone warm. ";
        prompt = List.of(paragraph.repeat(2048 / paragraph.length() + 1).substring(0, 2048));
        parts = new ArrayList<>();
        for (int at = 0; at < 2048; at += 128) parts.add(prompt.getFirst().substring(at, at + 128));
        String international = "Bitte fasse das Ticket zusammen und entwirf eine höfliche Antwort; die Bestellung ORD-123456 kam spät. "
                + "客户从 jane.roe＠example.net 写信，用卡 ４５３９ １４８８ ０３４３ ６４６７ 付款，请保持语气温和。"
                + "يرجى الرد خلال يومين، رقم الهاتف ٠٢٠ ٧٩٤٦ ٠٩٥٨ مسجل لدينا. ";
        promptInOtherScripts = List.of(international.repeat(2048 / international.length() + 1).substring(0, 2048));
        answer = Fixtures.textStream(SseEncodingBench.DELTAS);
    }

    @Benchmark
    public int checkPrompt() {
        return guard.checkUserTexts(Source.INPUT, prompt, guard.placeholders()).outputs().size();
    }

    @Benchmark
    public int checkParts() {
        return guard.checkUserTexts(Source.INPUT, parts, guard.placeholders()).outputs().size();
    }

    @Benchmark
    public int checkPromptInOtherScripts() {
        return guard.checkUserTexts(Source.INPUT, promptInOtherScripts, guard.placeholders()).outputs().size();
    }

    @Benchmark
    public int guardStream() {
        GuardRecord record = new GuardRecord(guard.ref(), (source, assessment) -> { });
        int events = 0;
        try (GuardedStream stream = new GuardedStream(EventStream.of(answer), guard, false, guard.placeholders(), record, () -> 0)) {
            while (stream.hasNext()) {
                stream.next();
                events++;
            }
        }
        return events;
    }
}
