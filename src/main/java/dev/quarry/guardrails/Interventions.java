package dev.quarry.guardrails;

import dev.quarry.audit.AuditEvent;
import dev.quarry.guardrails.GuardrailSpec.Source;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * The audit event of a guardrail's intervention, beside the request's own: which guardrail
 * version, on which side, and what it found — the policies, entity types and topics, never the
 * matched text, which is exactly what must not be copied into yet another store.
 */
public final class Interventions {
    /** The audit action of an intervention. */
    public static final String ACTION = "quarry:GuardrailIntervention";
    private static final int MAX_DETAIL = 300;

    private Interventions() {}

    public static AuditEvent event(Instant at, String principalId, String principalName, String onBehalfOf, String sourceIp, String userAgent,
                                   GuardrailRef ref, Source source, Assessment assessment, String requestId) {
        String found = source.name().toLowerCase(Locale.ROOT) + " " + assessment.summary();
        return new AuditEvent(UUID.randomUUID().toString(), at, principalId, principalName, onBehalfOf, sourceIp, userAgent, ACTION,
                "guardrail/" + ref, "intervened",
                found.length() > MAX_DETAIL ? found.substring(0, MAX_DETAIL - 3) + "..." : found, requestId, null, null, null);
    }
}
