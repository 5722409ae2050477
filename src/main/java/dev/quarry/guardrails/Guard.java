package dev.quarry.guardrails;

import dev.quarry.canonical.QuarryException;
import dev.quarry.guardrails.GuardrailSpec.Action;
import dev.quarry.guardrails.GuardrailSpec.PiiRule;
import dev.quarry.guardrails.GuardrailSpec.RegexRule;
import dev.quarry.guardrails.GuardrailSpec.Source;
import dev.quarry.guardrails.detect.Confidence;
import dev.quarry.guardrails.detect.Detection;
import dev.quarry.guardrails.detect.NormalisedText;
import dev.quarry.guardrails.detect.PatternDetector;
import dev.quarry.guardrails.pii.PiiDetectors;
import dev.quarry.guardrails.regex.CustomRegex;
import dev.quarry.guardrails.regex.ReadBudget;
import dev.quarry.guardrails.regex.RegexBudgetExceeded;
import dev.quarry.guardrails.semantic.PromptAttackFilter;
import dev.quarry.guardrails.semantic.TopicFilter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One version of a guardrail, compiled: its spec turned into detectors, ready to check texts.
 * Immutable and thread-safe; compiled once when the version is loaded, because the topic filter
 * embeds its definitions and examples then, not per request.
 */
public final class Guard {
    private static final Comparator<Hit> BY_POSITION = Comparator.comparingInt(Hit::start)
            .thenComparing(h -> h.action() != Action.BLOCK)
            .thenComparing(h -> -h.end());

    private final GuardrailRef ref;
    private final GuardrailSpec spec;
    private final List<Rule> rules;
    private final TopicFilter topics;
    private final PromptAttackFilter attacks;
    private final int holdBack;

    /** A pattern detector with what it is reported as and what is done on each side. */
    private record Rule(PatternDetector detector, Hit.Kind kind, Action onInput, Action onOutput, String regex) {
        Action on(Source source) {
            return source == Source.INPUT ? onInput : onOutput;
        }

        /** Custom regexes draw on the request's read budget; the built-in detectors are linear and need none. */
        List<Detection> find(NormalisedText reading, ReadBudget budget) {
            return detector instanceof CustomRegex regex ? regex.find(reading.original(), budget) : detector.find(reading);
        }
    }

    private Guard(GuardrailRef ref, GuardrailSpec spec, List<Rule> rules, TopicFilter topics, PromptAttackFilter attacks) {
        this.ref = ref;
        this.spec = spec;
        this.rules = List.copyOf(rules);
        this.topics = topics;
        this.attacks = attacks;
        this.holdBack = rules.stream().mapToInt(r -> r.detector().maxSpan()).max().orElse(0);
    }

    /**
     * Builds the detectors a spec names.
     *
     * @throws QuarryException 400 naming the field when a PII type is unknown or cannot be detected,
     *                         or a regex is invalid or could backtrack without bound
     */
    public static Guard compile(GuardrailRef ref, GuardrailSpec spec, Detectors detectors) {
        List<Rule> rules = new ArrayList<>();
        List<PiiRule> pii = spec.sensitiveInformation().pii();
        for (int i = 0; i < pii.size(); i++) {
            PiiRule rule = pii.get(i);
            PatternDetector detector;
            try {
                detector = PiiDetectors.forType(rule.type());
            } catch (IllegalArgumentException e) {
                throw QuarryException.invalid("sensitiveInformationPolicyConfig.piiEntitiesConfig[" + i + "].type", e.getMessage());
            }
            rules.add(new Rule(detector, Hit.Kind.PII, rule.on(Source.INPUT), rule.on(Source.OUTPUT), null));
        }
        List<RegexRule> regexes = spec.sensitiveInformation().regexes();
        for (int i = 0; i < regexes.size(); i++) {
            RegexRule rule = regexes.get(i);
            try {
                rules.add(new Rule(new CustomRegex(rule.name(), rule.pattern()), Hit.Kind.REGEX, rule.action(), rule.action(), rule.pattern()));
            } catch (IllegalArgumentException e) {
                throw QuarryException.invalid("sensitiveInformationPolicyConfig.regexesConfig[" + i + "].pattern", e.getMessage());
            }
        }
        if (!spec.words().custom().isEmpty()) {
            try {
                rules.add(new Rule(detectors.customWords(spec.words().custom()), Hit.Kind.CUSTOM_WORD, Action.BLOCK, Action.BLOCK, null));
            } catch (IllegalArgumentException e) {
                throw QuarryException.invalid("wordPolicyConfig.wordsConfig", e.getMessage());
            }
        }
        if (spec.words().profanity()) rules.add(new Rule(detectors.profanity(), Hit.Kind.PROFANITY, Action.BLOCK, Action.BLOCK, null));
        TopicFilter topics = spec.topics().isEmpty() ? null : detectors.topics(spec.topics());
        PromptAttackFilter attacks = spec.promptAttack() == Confidence.NONE ? null : detectors.promptAttacks();
        return new Guard(ref, spec, rules, topics, attacks);
    }

    public GuardrailRef ref() {
        return ref;
    }

    public GuardrailSpec spec() {
        return spec;
    }

    /** The most characters one find can cover: how much released text a stream keeps as context for the next finds. */
    public int holdBack() {
        return holdBack;
    }

    /**
     * How much of a streamed text can be released without sending part of a find still being
     * written: up to the earliest place where any detector's could start ({@link PatternDetector#holdFrom}).
     */
    int releasable(CharSequence text) {
        NormalisedText reading = NormalisedText.of(text);
        int limit = text.length();
        for (Rule rule : rules) limit = Math.min(limit, rule.detector().holdFrom(reading));
        // A character whose second half is still to come ("𝟒" is two chars) is not released in halves: it may be a digit.
        if (limit > 0 && Character.isHighSurrogate(text.charAt(limit - 1))) limit--;
        return limit;
    }

    /** Whether answers are checked for denied topics, which a stream can only do a sentence at a time. */
    public boolean checksTopics() {
        return topics != null;
    }

    public String blockedMessage(Source source) {
        return source == Source.INPUT ? spec.blockedInputMessaging() : spec.blockedOutputsMessaging();
    }

    public Placeholders placeholders() {
        return new Placeholders(spec.sensitiveInformation().placeholders());
    }

    /**
     * Checks texts whole, on one {@link ReadBudget} for their custom regexes: the pattern policies
     * read every text, each alone and, for the rewritable ones, across neighbours
     * ({@link SplitFinds}); the denied-topic filter reads the conversation, free text and the string
     * values of JSON fields ({@link GuardedText.Kind}), the prompt-attack filter only what users
     * wrote. A find in a text that cannot be rewritten blocks even where the guardrail would
     * anonymise it.
     */
    public Verdict check(Source source, List<GuardedText> texts, Placeholders placeholders) {
        long start = System.nanoTime();
        ReadBudget budget = new ReadBudget();
        List<Finding> findings = new ArrayList<>();
        List<List<Hit>> hits = new ArrayList<>(texts.size());
        // Prose outside the conversation, read for denied topics in one call to the embedder.
        List<String> prose = new ArrayList<>();
        long characters = 0;
        for (GuardedText text : texts) {
            characters += text.text().length();
            List<Hit> found = scan(source, text.text(), budget);
            if (!text.kind().rewritable()) found = found.stream().map(Hit::blocking).toList();
            hits.add(new ArrayList<>(found));
            for (Hit hit : found) findings.add(hit.finding(text.text()));
            switch (text.kind()) {
                case CONVERSATION -> findings.addAll(semantic(source, text.text(), text.userWritten()));
                case FREE_TEXT -> prose.add(text.text());
                case JSON -> {
                    if (topics != null) prose.addAll(JsonStrings.values(text.text()));
                }
                case FIXED -> { }
            }
        }
        findings.addAll(topics(prose));
        for (SplitFinds.Split split : SplitFinds.find(texts, holdBack, window -> scan(source, window, budget))) {
            findings.add(split.finding());
            split.pieces().forEach((i, piece) -> hits.get(i).add(piece));
        }
        Assessment assessment = new Assessment(findings, (System.nanoTime() - start) / 1_000_000, characters);
        List<String> outputs = assessment.blocked() ? List.of(blockedMessage(source))
                : assessment.intervened() ? redacted(texts, hits, placeholders) : List.of();
        return new Verdict(source, assessment, outputs);
    }

    /** Checks texts whole that are all a user's own, parts of one input (ApplyGuardrail's content). */
    public Verdict checkUserTexts(Source source, List<String> texts, Placeholders placeholders) {
        List<GuardedText> guarded = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) guarded.add(new GuardedText("content[" + i + "]", texts.get(i), GuardedText.Kind.CONVERSATION, true));
        return check(source, guarded, placeholders);
    }

    private static List<String> redacted(List<GuardedText> texts, List<List<Hit>> hits, Placeholders placeholders) {
        List<String> redacted = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            List<Hit> sorted = new ArrayList<>(hits.get(i));
            sorted.sort(BY_POSITION);
            redacted.add(redact(texts.get(i).text(), sorted, placeholders));
        }
        return redacted;
    }

    /**
     * Every pattern detector's finds in {@code text} for one direction, by position, blocking ones
     * first where they start together; custom regexes draw on the request's {@code budget}.
     */
    List<Hit> scan(Source source, CharSequence text, ReadBudget budget) {
        List<Hit> hits = new ArrayList<>();
        // One reading of the text for every detector that reads it (PII, word lists); a custom regex reads the text as written.
        NormalisedText reading = NormalisedText.of(text);
        for (Rule rule : rules) {
            Action action = rule.on(source);
            List<Detection> found;
            try {
                found = rule.find(reading, budget);
            } catch (RegexBudgetExceeded e) {
                // Fail closed: a pattern that could not finish in its budget may have matched.
                found = text.isEmpty() ? List.of() : List.of(new Detection(rule.detector().type(), 0, text.length()));
                action = Action.BLOCK;
            }
            for (Detection d : found) hits.add(new Hit(d, rule.kind(), action, rule.regex()));
        }
        hits.sort(BY_POSITION);
        return hits;
    }

    /** Denied topics and, on input a user wrote, prompt attacks. */
    List<Finding> semantic(Source source, String text, boolean attackable) {
        if (text.isBlank()) return List.of();
        List<Finding> findings = new ArrayList<>(topics(List.of(text)));
        if (attacks != null && source == Source.INPUT && attackable) {
            Confidence confidence = attacks.assess(text).confidence();
            if (confidence.blockedAt(spec.promptAttack())) {
                findings.add(new Finding.PromptAttack(confidence, spec.promptAttack(), Finding.Taken.BLOCKED));
            }
        }
        return findings;
    }

    /** The denied topics any of {@code texts} is about. */
    private List<Finding> topics(List<String> texts) {
        if (topics == null || texts.isEmpty()) return List.of();
        return topics.find(texts).stream().<Finding>map(match -> new Finding.Topic(match.name(), Finding.Taken.BLOCKED)).toList();
    }

    /**
     * The text with every anonymised find replaced by its placeholder; overlapping finds become one,
     * named by the first. A continuation of a find that began in an earlier text is removed: its
     * placeholder stands there.
     */
    static String redact(CharSequence text, List<Hit> hits, Placeholders placeholders) {
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (int i = 0; i < hits.size(); i++) {
            Hit hit = hits.get(i);
            if (hit.action() != Action.ANONYMIZE || hit.start() < at) continue;
            int end = hit.end();
            for (int j = i + 1; j < hits.size() && hits.get(j).start() < end; j++) {
                if (hits.get(j).action() == Action.ANONYMIZE) end = Math.max(end, hits.get(j).end());
            }
            out.append(text, at, hit.start());
            if (!hit.continuation()) out.append(placeholders.of(hit.detection().type(), text.subSequence(hit.start(), end).toString()));
            at = end;
        }
        return out.append(text, at, text.length()).toString();
    }
}
