package dev.quarry.config;

import java.time.Duration;

/**
 * @param maxBodyBytes  largest request body accepted (413 above it)
 * @param shutdownGrace how long open requests and streams may run on after a shutdown begins
 * @param connections   connection caps and timeouts of the listener
 */
public record ServerSettings(String host, int port, long maxBodyBytes, Duration shutdownGrace, ConnectionLimits connections) {
    public static final ServerSettings DEFAULTS = new ServerSettings("127.0.0.1", 8080, 10L * 1024 * 1024, Duration.ofSeconds(30),
            ConnectionLimits.DEFAULTS);

    public ServerSettings withPort(int newPort) {
        return new ServerSettings(host, newPort, maxBodyBytes, shutdownGrace, connections);
    }
}
