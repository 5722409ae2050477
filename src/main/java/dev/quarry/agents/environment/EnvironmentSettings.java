package dev.quarry.agents.environment;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How a node runs agents' environments ({@code agents.environments} in the configuration).
 *
 * @param executorHosts        hosts a session may name a listening executor at ({@code quarry_connect.url}); none: no session may
 * @param connectWait          how long a turn waits for its executor to (re)connect before it fails (at most 5 minutes)
 * @param maxCommandSeconds    the longest a command may run
 * @param maxOutputBytes       a command's output beyond this is cut and the command ended
 * @param maxCommandsPerSession        the most commands one session may run, over its life
 * @param maxCommandSecondsPerSession  the most time one session's commands may take together
 * @param allowUnconfinedLocal whether {@code quarry_local} may run commands without a sandbox where none is available
 * @param dataDir              the node's data folder, under which {@code quarry_local} sessions' folders are made
 * @param approvalExpiry       how long a call waits for a person's approval before it ends as expired
 */
public record EnvironmentSettings(Set<String> executorHosts, Duration connectWait, int maxCommandSeconds, int maxOutputBytes,
                                  int maxCommandsPerSession, long maxCommandSecondsPerSession, boolean allowUnconfinedLocal, Path dataDir, Duration approvalExpiry) {
    public static final Duration MAX_CONNECT_WAIT = Duration.ofMinutes(5);

    public EnvironmentSettings {
        executorHosts = executorHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        if (connectWait.isNegative() || connectWait.compareTo(MAX_CONNECT_WAIT) > 0) {
            throw new IllegalArgumentException("connectWait must be from 0 to " + MAX_CONNECT_WAIT + ", not " + connectWait);
        }
    }

    /** Whether a session may name an executor at {@code host}. */
    public boolean executorHostAllowed(String host) {
        return host != null && executorHosts.contains(host.toLowerCase(Locale.ROOT));
    }
}
