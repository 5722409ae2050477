package dev.quarry.gateway;

/**
 * Where a model call comes from when Quarry itself makes it: the managed-agent session and the
 * turn whose step it is. The settle and audit steps copy it into the ledger row and the audit
 * event, so usage and the trail can be read by session; the gateway knows nothing else of agents.
 * Ids are bounded here to the {@code session_id} and {@code turn_id} columns, so a wrong id fails
 * its caller at once rather than reaching a writer.
 *
 * @param spendLimitMicros the session's spending cap, which the budget step holds the call to;
 *                         {@code null} for none
 */
public record Origin(String sessionId, String turnId, Long spendLimitMicros) {
    /** The width of the {@code session_id} and {@code turn_id} columns of the ledger and the audit trail. */
    public static final int MAX_ID = 40;

    public Origin {
        requireId("sessionId", sessionId);
        requireId("turnId", turnId);
        if (spendLimitMicros != null && spendLimitMicros < 0) throw new IllegalArgumentException("spendLimitMicros must not be negative");
    }

    public Origin(String sessionId, String turnId) {
        this(sessionId, turnId, null);
    }

    private static void requireId(String name, String id) {
        // Printable ASCII: stored as given, byte for byte, so a query by the same id finds it.
        if (id == null || id.isEmpty() || id.length() > MAX_ID || !id.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
            throw new IllegalArgumentException(name + " must be 1 to " + MAX_ID + " printable ASCII characters (got "
                    + (id == null ? "null" : "'" + id + "'") + ")");
        }
    }
}
