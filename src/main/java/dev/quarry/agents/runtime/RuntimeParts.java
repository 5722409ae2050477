package dev.quarry.agents.runtime;

import dev.quarry.agents.model.SecretBox;
import dev.quarry.agents.runtime.mcp.McpClients;
import dev.quarry.agents.store.SessionStore;
import dev.quarry.agents.store.TurnStore;
import dev.quarry.agents.vault.VaultKeys;
import dev.quarry.catalog.Catalog;
import dev.quarry.gateway.Gateway;
import java.time.Clock;

/** What every runner of a node shares. */
record RuntimeParts(TurnStore store, SessionStore sessions, Gateway gateway, Catalog catalog, EventHub hub, McpClients mcp, SecretBox secrets,
                    VaultKeys vaults, EnvironmentConnector connector, RuntimeSettings settings, Clock clock) {}
