package dev.quarry.agents.vault;

import java.util.Map;

/**
 * A credential of a vault as it may be shown: a static bearer token for the MCP server at
 * {@code mcpServerUrl}. The token itself is not part of it; only {@link VaultStore#sealedToken}
 * reads it, sealed.
 */
public record VaultCredential(String id, String vaultId, String name, String mcpServerUrl, Map<String, String> metadata, long createdAt,
                              long updatedAt) {
    public VaultCredential {
        metadata = Map.copyOf(metadata);
    }
}
