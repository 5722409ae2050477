package dev.quarry.guardrails;

import dev.quarry.guardrails.detect.Confidence;
import dev.quarry.guardrails.semantic.DeniedTopic;
import java.util.List;
import java.util.Objects;

/**
 * What a guardrail checks, as its owner wrote it: the policies of a Bedrock guardrail that Quarry
 * can enforce. A spec is plain data (stored as Bedrock-shaped JSON, see {@link GuardrailJson});
 * {@link Guard} is the same spec compiled into detectors.
 *
 * @param promptAttack the prompt-attack filter's strength on input ({@link Confidence#NONE}: off);
 *                     Bedrock applies it to input only, so there is no output strength
 */
public record GuardrailSpec(
        String name,
        String description,
        SensitiveInformation sensitiveInformation,
        List<DeniedTopic> topics,
        Words words,
        Confidence promptAttack,
        String blockedInputMessaging,
        String blockedOutputsMessaging) {

    public GuardrailSpec {
        Objects.requireNonNull(name, "name");
        sensitiveInformation = sensitiveInformation == null ? SensitiveInformation.NONE : sensitiveInformation;
        topics = List.copyOf(topics);
        words = words == null ? Words.NONE : words;
        promptAttack = promptAttack == null ? Confidence.NONE : promptAttack;
        Objects.requireNonNull(blockedInputMessaging, "blockedInputMessaging");
        Objects.requireNonNull(blockedOutputsMessaging, "blockedOutputsMessaging");
    }

    /** What a guardrail does with a finding. {@code NONE} (detect, report, let through) only as a per-direction override. */
    public enum Action { BLOCK, ANONYMIZE, NONE }

    /** How anonymised values read: {@code {EMAIL}}, or {@code {EMAIL_1}}, {@code {EMAIL_2}}, the same number for the same value within a request. */
    public enum Placeholders { TYPE, NUMBERED }

    /** Where a text is checked: the prompt on its way to a model, or the answer on its way back. */
    public enum Source { INPUT, OUTPUT }

    /**
     * One PII entity type and what to do when it is found.
     *
     * @param inputAction  on input, overriding {@code action}; {@code null}: {@code action}
     * @param outputAction on output, overriding {@code action}; {@code null}: {@code action}
     */
    public record PiiRule(String type, Action action, Action inputAction, Action outputAction) {
        public PiiRule {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(action, "action");
        }

        public Action on(Source source) {
            Action override = source == Source.INPUT ? inputAction : outputAction;
            return override == null ? action : override;
        }
    }

    /** A custom pattern, for identifiers of the owner's own (order numbers, employee ids). */
    public record RegexRule(String name, String description, String pattern, Action action) {
        public RegexRule {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(action, "action");
        }
    }

    public record SensitiveInformation(List<PiiRule> pii, List<RegexRule> regexes, Placeholders placeholders) {
        public static final SensitiveInformation NONE = new SensitiveInformation(List.of(), List.of(), Placeholders.TYPE);

        public SensitiveInformation {
            pii = List.copyOf(pii);
            regexes = List.copyOf(regexes);
            placeholders = placeholders == null ? Placeholders.TYPE : placeholders;
        }
    }

    /** Banned words and phrases of the owner's, and whether the managed profanity list applies. */
    public record Words(List<String> custom, boolean profanity) {
        public static final Words NONE = new Words(List.of(), false);

        public Words {
            custom = List.copyOf(custom);
        }
    }
}
