package dev.quarry.config;

import java.time.Duration;
import java.util.Set;

/**
 * How this node runs managed agents' turns ({@code agents:} in the configuration).
 *
 * @param node               the name this node takes turn leases under; {@code null}: the host and data folder
 * @param lease              how long a node holds a turn without renewing; a stopped node's turns are taken over after it
 * @param mcpInsecureHosts   hosts an MCP server may be reached at over plain {@code http}
 * @param mcpPrivateHosts    hosts an MCP server may be reached at although they resolve to loopback, private or link-local addresses
 * @param environments       how agents' execution environments are reached and bounded
 */
public record AgentsSettings(String node, Duration lease, int maxRunningTurns, int maxModelCallsPerTurn, int maxToolCallsPerTurn,
                             Duration turnTimeout, int loopRepeats, Set<String> mcpInsecureHosts, Set<String> mcpPrivateHosts, Duration mcpConnectTimeout,
                             Duration mcpCallTimeout, Environments environments) {
    public static final AgentsSettings DEFAULTS = new AgentsSettings(null, Duration.ofSeconds(30), 256, 50, 100, Duration.ofMinutes(30), 3,
            Set.of(), Set.of(), Duration.ofSeconds(10), Duration.ofSeconds(120), Environments.DEFAULTS);

    /**
     * {@code agents.environments}.
     *
     * @param executorHosts        hosts a session may name a listening {@code codex exec-server} at
     * @param allowUnconfinedLocal whether {@code quarry_local} may run commands unsandboxed where bubblewrap is unavailable
     * @param publicUrl            where executors dialing out reach this Quarry ({@code https://quarry.example}, no {@code /v1});
     *                             {@code null}: the address it listens on
     */
    public record Environments(Set<String> executorHosts, Duration connectWait, int maxCommandSeconds, int maxOutputBytes,
                               int maxCommandsPerSession, long maxCommandSecondsPerSession, boolean allowUnconfinedLocal, Duration approvalExpiry,
                               String publicUrl) {
        public static final Environments DEFAULTS = new Environments(Set.of(), Duration.ofMinutes(5), 600, 1 << 20, 2000, 8 * 3600, false,
                Duration.ofHours(1), null);

        public Environments {
            executorHosts = Set.copyOf(executorHosts);
        }
    }

    public AgentsSettings {
        mcpInsecureHosts = Set.copyOf(mcpInsecureHosts);
        mcpPrivateHosts = Set.copyOf(mcpPrivateHosts);
    }
}
