package dev.quarry.server;

/** The listener's address cannot be bound: another process holds the port, or the host is not this machine's. */
public final class PortUnavailable extends RuntimeException {

    PortUnavailable(String message) {
        super(message);
    }

    static PortUnavailable inUse(String host, int port) {
        return new PortUnavailable("port " + port + " on " + host + " is already in use; stop the other process or choose another with --port");
    }
}
