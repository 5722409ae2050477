package dev.quarry.guardrails;

import java.util.List;

/**
 * A guardrail's answer on some texts.
 *
 * @param outputs what may pass instead of the texts: the blocked message when anything was blocked,
 *                the texts with placeholders when only anonymised, nothing when it did not intervene
 */
public record Verdict(GuardrailSpec.Source source, Assessment assessment, List<String> outputs) {
    public Verdict {
        outputs = List.copyOf(outputs);
    }

    public boolean intervened() {
        return assessment.intervened();
    }

    public boolean blocked() {
        return assessment.blocked();
    }
}
