package dev.quarry.agents.model;

/**
 * A person's decision on one call of a tool marked {@code require_approval}: the turn waits for
 * it. Calls of the same answer that need no approval wait with it, recorded as approved at once
 * ({@code decidedBy} {@value #AUTOMATIC}), so the answer's calls still run in the order the model made them.
 *
 * @param arguments the call's arguments as the model gave them (JSON), for the person to read
 * @param status {@code pending}, {@code approved}, {@code denied}, {@code expired} or {@code cancelled}
 * @param used   whether the approved call was started (it is never started twice)
 */
public record Approval(String id, String sessionId, String turnId, String itemId, String callId, String tool, String arguments, String status,
                       long requestedAt, long expiresAt, String decidedBy, Long decidedAt, String reason, boolean used) {
    public static final String PENDING = "pending";
    public static final String APPROVED = "approved";
    public static final String DENIED = "denied";
    public static final String EXPIRED = "expired";
    public static final String CANCELLED = "cancelled";
    /** Who "decided" a call that needed no approval but waited with one that did. */
    public static final String AUTOMATIC = "quarry:automatic";
    public static final String ID_PREFIX = "apr_";

    /** What the model reads for a call that was not approved. */
    public String refusal() {
        return switch (status) {
            case DENIED -> "denied: a person (" + decidedBy + ") did not approve this call" + (reason == null ? "." : ": " + reason);
            case EXPIRED -> "approval_expired: nobody approved this call before its approval expired; it was not run.";
            default -> "cancelled: the call's approval was " + status + "; it was not run.";
        };
    }
}
