package dev.quarry.guardrails.detect;

/**
 * How sure a filter is that a text is what it looks for; Bedrock's scale. A filter of strength
 * {@code LOW} blocks only {@code HIGH} confidence, {@code MEDIUM} blocks {@code MEDIUM} and up,
 * {@code HIGH} blocks anything above {@code NONE}.
 */
public enum Confidence {
    NONE, LOW, MEDIUM, HIGH;

    /** Whether a filter set to {@code strength} blocks a text assessed at this confidence. */
    public boolean blockedAt(Confidence strength) {
        if (strength == NONE || this == NONE) return false;
        return ordinal() >= HIGH.ordinal() - strength.ordinal() + 1;
    }
}
