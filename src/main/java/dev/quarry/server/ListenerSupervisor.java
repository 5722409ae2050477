package dev.quarry.server;

import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.IntFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the HTTP listener up. Helidon 4.5.0's accepting thread closes the listener for good on
 * any error from accept, such as running out of file descriptors, while the JVM lives on; no
 * release on Maven Central changes that. Once a second this connects to the listener from this
 * host: refused means the listener is gone, and a new server is started on the same port. The
 * connection caps keep the listener's own sockets within the descriptor limit, so what this
 * catches is exhaustion from elsewhere in the process (or a limit lowered while it runs).
 */
final class ListenerSupervisor implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ListenerSupervisor.class.getName());
    /**
     * Helidon's listener, which logs as an error, with its stack trace, a connection accepted in
     * the instant it stops (its executor, already shut down, rejects the connection's handler).
     * The connection is closed, as the listener is: expected in a shutdown, so not logged.
     */
    private static final Logger HELIDON_LISTENER = Logger.getLogger("io.helidon.webserver.ServerListener");
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final int PROBE_TIMEOUT_MILLIS = 1000;

    private final String host;
    private final InetAddress probeAddress;
    private IntFunction<WebServer> starter;
    private int port;
    private Thread watcher;
    private volatile WebServer server;
    private volatile String trouble;

    /** For a listener on {@code host}; {@link #start} starts it. */
    ListenerSupervisor(String host) {
        this.host = host;
        this.probeAddress = probeAddress(host);
    }

    /**
     * Fails with {@link PortUnavailable} unless {@code port} can be bound on {@code host}, so a
     * port in use is known before the store is opened. Helidon only logs a failed bind, with a
     * stack trace, and returns a server that is not running.
     */
    static void requireBindable(String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            // As Helidon binds: a port whose last connections linger in TIME_WAIT is free to it.
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (BindException e) {
            throw e.getMessage() != null && e.getMessage().contains("in use") ? PortUnavailable.inUse(host, port)
                    : new PortUnavailable("cannot listen on " + host + ":" + port + " (" + e.getMessage() + "); check server.host and --port");
        } catch (UnknownHostException e) {
            throw new PortUnavailable("cannot listen on " + host + ": no such host; check server.host");
        } catch (IOException e) {
            throw new PortUnavailable("cannot listen on " + host + ":" + port + " (" + e.getMessage() + ")");
        }
    }

    /** Starts a server with {@code starter}, given the port to bind, and watches it. */
    void start(int port, IntFunction<WebServer> starter) {
        this.starter = starter;
        this.server = starter.apply(port);
        // Bound by another process since requireBindable looked: Helidon has logged why.
        if (!server.isRunning()) throw PortUnavailable.inUse(host, port);
        this.port = server.port();
        this.watcher = Thread.ofVirtual().name("quarry-listener-supervisor").start(this::watch);
    }

    int port() {
        return port;
    }

    /** Why the listener cannot accept connections, as of the last look; empty while it can. */
    Optional<String> trouble() {
        return Optional.ofNullable(trouble);
    }

    private void watch() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(TICK);
            } catch (InterruptedException e) {
                return;
            }
            look();
        }
    }

    private void look() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(probeAddress, port), PROBE_TIMEOUT_MILLIS);
            trouble = null;
        } catch (ConnectException refused) {
            if (!Thread.currentThread().isInterrupted()) restart();
        } catch (SocketTimeoutException e) {
            trouble = "the listener's accept queue is full";
        } catch (IOException e) {
            trouble = "cannot open a socket: " + e.getMessage();
        }
    }

    private void restart() {
        LOG.severe(() -> "the HTTP listener on port " + port + " stopped accepting connections (Helidon closes it on an accept "
                + "error, such as running out of file descriptors); starting a new one");
        trouble = "the listener stopped; restarting it";
        try {
            server.stop();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "stopping the stopped listener", e);
        }
        try {
            server = starter.apply(port);
            trouble = null;
            LOG.info(() -> "the HTTP listener is accepting connections again on port " + port);
        } catch (RuntimeException e) {
            trouble = "the listener stopped and could not be restarted yet: " + e.getMessage();
            LOG.warning(() -> "restarting the HTTP listener failed, will try again: " + e.getMessage());
        }
    }

    /** Stops watching, then stops the server. */
    @Override
    public void close() {
        watcher.interrupt();
        try {
            watcher.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        HELIDON_LISTENER.setFilter(r -> !(r.getThrown() instanceof RejectedExecutionException));
        server.stop();
    }

    private static InetAddress probeAddress(String host) {
        try {
            InetAddress bound = InetAddress.getByName(host);
            return bound.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bound;
        } catch (UnknownHostException e) {
            return InetAddress.getLoopbackAddress();
        }
    }
}
