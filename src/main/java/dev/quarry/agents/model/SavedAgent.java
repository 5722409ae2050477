package dev.quarry.agents.model;

import java.util.Map;

/**
 * A saved agent at one of its versions. Every update writes a new version; a session pins the
 * version it was created from, so edits affect only sessions created afterwards.
 */
public record SavedAgent(String id, String ownerId, int version, AgentSpec spec, Map<String, String> metadata, long createdAt, long updatedAt) {
    public SavedAgent {
        metadata = Map.copyOf(metadata);
    }
}
