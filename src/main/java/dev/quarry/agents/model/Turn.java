package dev.quarry.agents.model;

/**
 * One turn of a session: from an input message to a final answer, a required action, a limit, a
 * cancel or a failure.
 *
 * @param status      {@code queued}, {@code in_progress}, {@code waiting} (for function results),
 *                    {@code completed}, {@code failed} or {@code cancelled}
 * @param errorCode   why a failed turn failed (one of the Agents API's codes, or a Quarry
 *                    extension), else {@code null}
 * @param step        how many model calls of this turn have finished and had their effects recorded
 */
public record Turn(String id, String sessionId, int number, String status, long createdAt, Long startedAt, Long completedAt,
                   String errorCode, String errorMessage, TurnUsage usage, int step, int modelCalls, int toolCalls) {
    public static final String QUEUED = "queued";
    public static final String IN_PROGRESS = "in_progress";
    public static final String WAITING = "waiting";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";

    public boolean open() {
        return status.equals(QUEUED) || status.equals(IN_PROGRESS) || status.equals(WAITING);
    }
}
