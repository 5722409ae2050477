package dev.quarry.agents.vault;

import java.util.Map;

/** A vault: named, with metadata, owned by the principal that created it. */
public record Vault(String id, String ownerId, String name, Map<String, String> metadata, long createdAt, long updatedAt) {
    public Vault {
        metadata = Map.copyOf(metadata);
    }
}
