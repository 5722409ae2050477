package dev.quarry.agents.vault;

import java.util.Map;

/**
 * A vault's create or update request, decoded.
 *
 * @param name     {@code null}: none (create), unchanged (update)
 * @param metadata {@code null}: unchanged (update only)
 */
public record VaultDraft(String name, Map<String, String> metadata) {}
