package dev.quarry.guardrails;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a guardrail found in the texts it checked, in the order found.
 *
 * @param processingMillis how long the check took
 * @param characters       how many characters it read: Bedrock bills guardrails in text units of
 *                         1,000 characters per policy, and reports the units in {@code usage}
 */
public record Assessment(List<Finding> findings, long processingMillis, long characters) {
    public Assessment {
        findings = List.copyOf(findings);
    }

    /** Whether anything was blocked or anonymised. */
    public boolean intervened() {
        return findings.stream().anyMatch(f -> f.action() != Finding.Taken.NONE);
    }

    public boolean blocked() {
        return findings.stream().anyMatch(f -> f.action() == Finding.Taken.BLOCKED);
    }

    /**
     * The types of the policies that blocked, in the order found, without repeats, e.g.
     * {@code [contentPolicy/PROMPT_ATTACK, sensitiveInformationPolicy]}: what a blocked client is
     * told ({@link Finding#policyType}), never what matched. Empty when nothing was blocked.
     */
    public List<String> blockedBy() {
        return findings.stream().filter(f -> f.action() == Finding.Taken.BLOCKED).map(Finding::policyType).distinct().toList();
    }

    /** Text units of 1,000 characters, at least one for any text: what one policy's check costs Bedrock's way. */
    public long textUnits() {
        return characters == 0 ? 0 : (characters + 999) / 1000;
    }

    /**
     * Which policies intervened and on what, without any matched text: what the audit trail and
     * logs may hold, e.g. {@code sensitiveInformationPolicy[CREDIT_DEBIT_CARD_NUMBER BLOCKED, EMAIL ANONYMIZED]}.
     */
    public String summary() {
        Map<String, Set<String>> byPolicy = new LinkedHashMap<>();
        for (Finding f : findings) {
            if (f.action() == Finding.Taken.NONE) continue;
            byPolicy.computeIfAbsent(f.policy(), k -> new LinkedHashSet<>()).add(f.label() + " " + f.action());
        }
        return byPolicy.entrySet().stream().map(e -> e.getKey() + "[" + String.join(", ", e.getValue()) + "]")
                .collect(Collectors.joining(" "));
    }
}
