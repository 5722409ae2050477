package dev.quarry.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One audited call.
 *
 * @param decision       {@code allow}, {@code deny} (refused by policy or authentication) or {@code error}
 * @param decidingPolicy {@code policy/statement} that decided, or {@code null}
 * @param errorCode      the canonical error kind when the call did not succeed
 */
public record AuditEvent(
        String eventId,
        Instant time,
        String principalId,
        String principalName,
        String sourceIp,
        String userAgent,
        String action,
        String resource,
        String decision,
        String decidingPolicy,
        String requestId,
        String errorCode) {

    public AuditEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(decision, "decision");
    }
}
