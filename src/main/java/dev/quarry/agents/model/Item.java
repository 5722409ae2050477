package dev.quarry.agents.model;

/**
 * One entry of a session's history: what was said, called and answered, in order ({@code seq}).
 *
 * @param status {@code in_progress}, {@code completed}, {@code failed} or {@code incomplete}
 */
public record Item(String id, String turnId, long seq, String status, ItemBody body, long createdAt) {
    public static final String IN_PROGRESS = "in_progress";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    public static final String INCOMPLETE = "incomplete";

    public Item withState(String newStatus, ItemBody newBody) {
        return new Item(id, turnId, seq, newStatus, newBody, createdAt);
    }
}
