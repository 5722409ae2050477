package dev.quarry.guardrails;

import dev.quarry.guardrails.detect.Confidence;

/**
 * One thing a guardrail found in a text, and what it did about it: an entry of a Bedrock
 * {@code GuardrailAssessment}. The matched text is kept for the caller who sent it (ApplyGuardrail
 * returns it, as Bedrock does) and never written to the audit trail ({@link Assessment#summary}).
 */
public sealed interface Finding {
    /** What was done: Bedrock's past-tense assessment actions. */
    enum Taken { BLOCKED, ANONYMIZED, NONE }

    Taken action();

    /** The Bedrock policy the finding belongs to, e.g. {@code sensitiveInformationPolicy}. */
    String policy();

    /** What was found, without the text itself: an entity type, a topic, a regex's name. */
    String label();

    /**
     * The kind of policy, as a blocked client may be told it: the policy, and for the content
     * policy its filter, whose name is the only thing that tells its filters apart. Never a topic's,
     * a regex's or an entity's name: those would tell the client what to rephrase.
     */
    default String policyType() {
        return policy();
    }

    record Topic(String name, Taken action) implements Finding {
        public String policy() {
            return "topicPolicy";
        }

        public String label() {
            return name;
        }
    }

    /** The prompt-attack filter: how sure it was, at what strength it was set. */
    record PromptAttack(Confidence confidence, Confidence strength, Taken action) implements Finding {
        public String policy() {
            return "contentPolicy";
        }

        public String label() {
            return "PROMPT_ATTACK";
        }

        @Override
        public String policyType() {
            return policy() + "/" + label();
        }
    }

    /** @param managed whether it came from the managed profanity list rather than the owner's words */
    record Word(String match, boolean managed, Taken action) implements Finding {
        public String policy() {
            return "wordPolicy";
        }

        public String label() {
            return managed ? "PROFANITY" : "CUSTOM_WORD";
        }
    }

    record Pii(String type, String match, Taken action) implements Finding {
        public String policy() {
            return "sensitiveInformationPolicy";
        }

        public String label() {
            return type;
        }
    }

    record Regex(String name, String match, String regex, Taken action) implements Finding {
        public String policy() {
            return "sensitiveInformationPolicy";
        }

        public String label() {
            return "regex:" + name;
        }
    }
}
