package dev.quarry.audit;

import dev.quarry.canonical.ErrorKind;
import java.time.Instant;
import java.util.Objects;

/**
 * One audited call.
 *
 * @param decision       {@code allow}, {@code deny} (refused by policy or authentication) or {@code error}
 * @param decidingPolicy {@code policy/statement} that decided, or {@code null}
 * @param errorCode      the canonical error kind when the call did not succeed
 * @param onBehalfOf     for a call through an assumed role, the name of the principal that assumed it; else {@code null}
 * @param sessionId      the managed-agent session a call Quarry made for one belongs to; else {@code null}
 * @param turnId         the turn of that session; else {@code null}
 */
public record AuditEvent(
        String eventId,
        Instant time,
        String principalId,
        String principalName,
        String onBehalfOf,
        String sourceIp,
        String userAgent,
        String action,
        String resource,
        String decision,
        String decidingPolicy,
        String requestId,
        String errorCode,
        String sessionId,
        String turnId) {

    /** How a call's outcome is recorded: {@code allow}, {@code deny} for refusals of identity or policy, else {@code error}. */
    public static String decision(ErrorKind failure) {
        if (failure == null) return "allow";
        return failure == ErrorKind.AUTHENTICATION || failure == ErrorKind.PERMISSION_DENIED ? "deny" : "error";
    }

    public AuditEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(decision, "decision");
    }

    /** An event of a call its principal made for itself outside any agent session, or of no known principal. */
    public AuditEvent(String eventId, Instant time, String principalId, String principalName, String sourceIp, String userAgent,
                      String action, String resource, String decision, String decidingPolicy, String requestId, String errorCode) {
        this(eventId, time, principalId, principalName, null, sourceIp, userAgent, action, resource, decision, decidingPolicy,
                requestId, errorCode, null, null);
    }
}
