package dev.quarry.agents.vault;

import java.util.Map;

/**
 * A credential's update: a rotation to a new token and/or new metadata.
 *
 * @param token    the new token, {@code null}: unchanged
 * @param metadata the new metadata, {@code null}: unchanged
 */
public record CredentialChange(String token, Map<String, String> metadata) {
    @Override
    public String toString() {
        return "CredentialChange[rotated=" + (token != null) + ", metadata=" + metadata + "]";
    }
}
