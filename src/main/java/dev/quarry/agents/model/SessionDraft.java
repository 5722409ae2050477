package dev.quarry.agents.model;

import java.util.List;
import java.util.Map;

/**
 * A session create request, decoded: exactly one of an inline {@code agent} or a saved {@code agentId}.
 *
 * @param input            the first message, which starts the first turn; {@code null} for none
 * @param spendLimitMicros the session's spending cap ({@code spend_control.limit}), {@code null} for none
 * @param vaultIds         the vaults whose credentials the session's MCP servers may use ({@code vault_ids})
 * @param environment      where the agent acts; {@link EnvironmentSpec.None} for nowhere
 */
public record SessionDraft(AgentSpec agent, String agentId, Map<String, String> metadata, String input, Long spendLimitMicros,
                           List<String> vaultIds, EnvironmentSpec environment) {
    public SessionDraft {
        metadata = Map.copyOf(metadata);
        vaultIds = List.copyOf(vaultIds);
        if (environment == null) environment = new EnvironmentSpec.None();
        if ((agent == null) == (agentId == null)) throw new IllegalArgumentException("exactly one of agent and agentId");
    }

    /** A draft of a session with no vaults and no environment. */
    public SessionDraft(AgentSpec agent, String agentId, Map<String, String> metadata, String input, Long spendLimitMicros) {
        this(agent, agentId, metadata, input, spendLimitMicros, List.of(), new EnvironmentSpec.None());
    }
}
