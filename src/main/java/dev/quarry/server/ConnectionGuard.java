package dev.quarry.server;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.config.ConfigException;
import dev.quarry.config.ConnectionLimits;
import com.sun.management.UnixOperatingSystemMXBean;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * Holds the listener's connections to {@link ConnectionLimits}. Every accepted socket passes
 * {@link #admit} on the accepting thread, before anything is spent on it: one over its address's
 * cap is closed there. Up to {@code max_connections} are served; a tenth more (at least 8) are accepted only to
 * answer 503 (so a load balancer's readiness probe still learns why), and past those Helidon
 * accepts nothing until some close, so the listener never runs the process out of file
 * descriptors. A connection must send a request head within the header timeout of its opening,
 * and within the idle timeout of its last answer, or it is closed: Helidon 4.5.0 has no read
 * timeout, and a client that connects and sends nothing would hold its socket for good.
 */
final class ConnectionGuard implements Filter, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ConnectionGuard.class.getName());
    private static final Duration TICK = Duration.ofSeconds(1);
    /** Descriptors kept for the JVM, the store, logs and the like; each served connection may also hold an upstream one. */
    private static final long DESCRIPTORS_KEPT = 256;
    private static final int DEFAULT_MAX = 4096;
    private static final int OVERFLOW_AT_LEAST = 8;

    private final int max;
    private final int perClient;
    private final long headerTimeoutNanos;
    private final long idleTimeoutNanos;
    private final Map<SocketAddress, Connection> byPeer = new ConcurrentHashMap<>();
    private final Map<InetAddress, Set<Connection>> byClient = new ConcurrentHashMap<>();
    private final LongAdder refusedOverClientCap = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private Thread watchdog;

    /** One accepted connection: who, since when it waits for a request head, how many requests it has open. */
    private static final class Connection {
        final SocketChannel channel;
        final SocketAddress peer;
        final InetAddress client;
        final boolean beyondCap;
        final AtomicInteger inFlight = new AtomicInteger();
        /** What to tell once the connection is gone (an upgraded one's owner), or {@code null}. */
        final AtomicReference<Runnable> whenClosed = new AtomicReference<>();
        volatile long waitingSince;
        volatile boolean answeredOnce;

        Connection(SocketChannel channel, InetSocketAddress peer, boolean beyondCap) {
            this.channel = channel;
            this.peer = peer;
            this.client = peer.getAddress();
            this.beyondCap = beyondCap;
            this.waitingSince = System.nanoTime();
        }
    }

    private ConnectionGuard(int max, int perClient, Duration headerTimeout, Duration idleTimeout) {
        this.max = max;
        this.perClient = perClient;
        this.headerTimeoutNanos = headerTimeout.toNanos();
        this.idleTimeoutNanos = idleTimeout.toNanos();
    }

    /**
     * A guard for these limits within {@code descriptorLimit}, the file descriptors this process
     * may open: an unset {@code max_connections} takes what fits (at most 4096), a set one that
     * does not fit is refused. {@link #watch} starts its timeouts.
     */
    static ConnectionGuard within(ConnectionLimits limits, long descriptorLimit) {
        long perConnection = (descriptorLimit - DESCRIPTORS_KEPT) / 2;
        long fits = Math.min(perConnection * 10 / 11, perConnection - OVERFLOW_AT_LEAST);
        int max = limits.maxConnections();
        if (max == ConnectionLimits.AUTO) {
            max = (int) Math.max(1, Math.min(DEFAULT_MAX, fits));
        } else if (max > fits) {
            throw new ConfigException("server.max_connections: " + max + " connections need more file descriptors than this process may "
                    + "open (" + descriptorLimit + "; about two per connection, with " + DESCRIPTORS_KEPT + " kept for the rest); "
                    + "raise the limit (ulimit -n, systemd LimitNOFILE=) or set at most " + fits);
        }
        return new ConnectionGuard(max, Math.min(max, limits.maxConnectionsPerClient()), limits.headerTimeout(), limits.idleTimeout());
    }

    /** The file descriptors this process may open (as good as unlimited where the platform does not say). */
    static long descriptorLimit() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount()
                : Long.MAX_VALUE / 4;
    }

    /** Starts closing connections that send no request head in time. */
    void watch() {
        watchdog = Thread.ofVirtual().name("quarry-connection-watchdog").start(this::closeLateOnes);
    }

    /** Connections Helidon may hold at once: those served and the tenth more (at least 8) that are answered 503. */
    int acceptLimit() {
        return max + Math.max(OVERFLOW_AT_LEAST, max / 10);
    }

    /**
     * Registers a socket just accepted, or closes it: the caller (the accepting thread) learns
     * of a refusal by the exception, and Helidon then closes the socket.
     */
    void admit(SocketChannel channel) {
        InetSocketAddress peer;
        try {
            peer = (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<Connection> mine = byClient.getOrDefault(peer.getAddress(), Set.of());
        if (mine.size() >= perClient) forgetClosed(mine);
        if (mine.size() >= perClient) {
            refusedOverClientCap.increment();
            throw new IllegalStateException(peer.getAddress() + " already holds " + perClient + " connections");
        }
        if (byPeer.size() >= max) forgetClosed(byPeer.values());
        Connection connection = new Connection(channel, peer, byPeer.size() >= max);
        // Added under the map's lock, so that the watchdog cannot drop the set as empty meanwhile.
        byClient.compute(peer.getAddress(), (client, theirs) -> {
            Set<Connection> set = theirs == null ? ConcurrentHashMap.newKeySet() : theirs;
            set.add(connection);
            return set;
        });
        byPeer.put(peer, connection);
    }

    /** Why the listener cannot take more, if it cannot. */
    Optional<String> saturated() {
        long open = byPeer.values().stream().filter(c -> c.channel.isOpen()).count();
        return open >= max
                ? Optional.of("at its connection limit: " + open + " connections open, server.max_connections is " + max)
                : Optional.empty();
    }

    /** Marks a connection busy while it has a request open; one accepted beyond the cap gets a 503 and is closed. */
    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Connection connection = byPeer.get(req.remotePeer().address());
        if (connection == null) {
            chain.proceed();
            return;
        }
        connection.inFlight.incrementAndGet();
        try {
            if (connection.beyondCap) {
                ConnectionClose.after(req);
                if (!HealthRoutes.PATHS.contains(req.path().path())) {
                    HttpIo.send(res, SurfaceErrors.reply(req, new QuarryError(ErrorKind.UPSTREAM_UNAVAILABLE, "This Quarry node is at its "
                            + "connection limit; retry shortly or on another node.", null, Duration.ofSeconds(1))));
                    return;
                }
            }
            chain.proceed();
        } finally {
            connection.waitingSince = System.nanoTime();
            connection.answeredOnce = true;
            connection.inFlight.decrementAndGet();
        }
    }

    /**
     * Keeps a connection that was upgraded to a WebSocket from being closed as late: it carries no
     * more request heads, so it counts as busy until the returned hook runs (when the socket closes).
     * {@code whenClosed} runs once if the connection is found closed first, within a second: Helidon
     * 4.5.0 does not tell a WebSocket's listener when the other side just goes away.
     */
    Runnable hold(SocketAddress peer, Runnable whenClosed) {
        Connection connection = byPeer.get(peer);
        if (connection == null) return () -> { };
        connection.whenClosed.set(whenClosed);
        connection.inFlight.incrementAndGet();
        return () -> {
            connection.waitingSince = System.nanoTime();
            connection.inFlight.decrementAndGet();
        };
    }

    private void closeLateOnes() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(TICK);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Connection c : byPeer.values()) {
                if (!c.channel.isOpen()) {
                    forget(c);
                } else if (c.inFlight.get() == 0 && now - c.waitingSince > (c.answeredOnce ? idleTimeoutNanos : headerTimeoutNanos)) {
                    timedOut.increment();
                    close(c);
                }
            }
            byClient.keySet().forEach(client -> byClient.computeIfPresent(client, (c, theirs) -> theirs.isEmpty() ? null : theirs));
            report();
        }
    }

    /** A line a second at most, so that an attack cannot flood the log. */
    private void report() {
        long refused = refusedOverClientCap.sumThenReset();
        long closed = timedOut.sumThenReset();
        if (refused > 0) {
            LOG.warning(() -> "refused " + refused + " connections from addresses that held server.max_connections_per_client ("
                    + perClient + ")");
        }
        if (closed > 0) {
            LOG.info(() -> "closed " + closed + " connections that sent no request head in time (server.header_timeout_seconds, "
                    + "server.idle_timeout_seconds)");
        }
    }

    private void close(Connection c) {
        try {
            c.channel.close();
        } catch (IOException e) {
            LOG.fine(() -> "closing " + c.peer + ": " + e);
        }
        forget(c);
    }

    private void forget(Connection c) {
        Runnable closed = c.whenClosed.getAndSet(null);
        if (closed != null) closed.run();
        byPeer.remove(c.peer, c);
        Set<Connection> theirs = byClient.get(c.client);
        if (theirs != null) theirs.remove(c);
    }

    /** Concurrent maps and key sets may be changed while they are walked: no copy is needed, even at the cap under load. */
    private void forgetClosed(Collection<Connection> connections) {
        connections.forEach(c -> {
            if (!c.channel.isOpen()) forget(c);
        });
    }

    /**
     * Closes every connection, for a shutdown whose grace period has run out: a request still
     * writing to one fails at its next write and settles (records what it used) on its own
     * thread, undisturbed, as when a client hangs up.
     */
    void closeAll() {
        byPeer.values().forEach(this::close);
    }

    @Override
    public void close() {
        if (watchdog != null) watchdog.interrupt();
    }
}
