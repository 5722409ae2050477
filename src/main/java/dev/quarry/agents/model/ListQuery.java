package dev.quarry.agents.model;

/**
 * A list request: entries after the id {@code after} (exclusive; {@code null} from the start), at
 * most {@code limit}, oldest first when {@code ascending}, optionally only sessions of one saved agent.
 */
public record ListQuery(String after, int limit, boolean ascending, String agentId) {
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;
}
