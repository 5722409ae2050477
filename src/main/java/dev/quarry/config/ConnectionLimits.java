package dev.quarry.config;

import java.time.Duration;

/**
 * What one client, or all of them, may hold of the HTTP listener.
 *
 * @param maxConnections          connections served at once, or {@link #AUTO}; a tenth more (at least 8) are only answered 503
 * @param maxConnectionsPerClient connections one client address may hold open; more are closed as they arrive
 * @param headerTimeout           how long a new connection may take to send its first request's head
 * @param idleTimeout             how long a connection may wait, between requests, before the next one's head is in
 */
public record ConnectionLimits(int maxConnections, int maxConnectionsPerClient, Duration headerTimeout, Duration idleTimeout) {
    /** {@code max_connections} unset: as many as the process's file-descriptor limit leaves room for, at most 4096. */
    public static final int AUTO = 0;
    public static final ConnectionLimits DEFAULTS = new ConnectionLimits(AUTO, 256, Duration.ofSeconds(10), Duration.ofSeconds(60));
}
