package dev.quarry.agents.vault;

import java.util.Map;
import java.util.Objects;

/**
 * A credential's create request, decoded: a {@code static_bearer} token for one MCP server. The
 * token is in the clear only from the request to {@link Vaults}, which seals it before it is stored.
 */
public record CredentialDraft(String name, String mcpServerUrl, String token, Map<String, String> metadata) {
    public CredentialDraft {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mcpServerUrl, "mcpServerUrl");
        Objects.requireNonNull(token, "token");
        metadata = Map.copyOf(metadata);
    }

    @Override
    public String toString() {
        return "CredentialDraft[name=" + name + ", mcpServerUrl=" + mcpServerUrl + "]";
    }
}
