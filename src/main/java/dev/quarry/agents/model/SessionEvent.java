package dev.quarry.agents.model;

/**
 * An event of a session's stream. Events that are history ({@code live == 0}) are committed
 * with the session's sequence number before anyone sees them; text deltas are live only and
 * numbered after the last committed event ({@code live} = 1, 2, …), so every event has a unique
 * id that also says where a reconnecting reader resumes.
 */
public record SessionEvent(String sessionId, long seq, int live, String type, String turnId, EventPayload payload, long createdAt) {

    public String eventId() {
        return "evt_" + Ids.ulid(sessionId) + "_" + seq + (live == 0 ? "" : "." + live);
    }

    public boolean committed() {
        return live == 0;
    }
}
