package dev.quarry.guardrails.semantic;

import dev.quarry.guardrails.detect.Confidence;

/**
 * How sure {@link PromptAttackFilter} is that a prompt is an attack, and why.
 *
 * @param evidence what the confidence rests on, by name ("pattern 'instruction override'",
 *                 "similar to known attack (role-play jailbreak)"); never the prompt's own text,
 *                 so it can go to logs and audit records; empty when there is none
 */
public record AttackAssessment(Confidence confidence, String evidence) {
    static final AttackAssessment NONE = new AttackAssessment(Confidence.NONE, "");

    /** Whether a prompt-attack filter of {@code strength} blocks this prompt. */
    public boolean blockedAt(Confidence strength) {
        return confidence.blockedAt(strength);
    }
}
