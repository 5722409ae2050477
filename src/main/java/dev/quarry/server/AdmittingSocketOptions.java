package dev.quarry.server;

import io.helidon.common.socket.SocketOptions;
import java.net.Socket;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Helidon's default socket options with TCP_NODELAY on, plus the {@link ConnectionGuard}'s admission.
 * Nagle's algorithm (Helidon's default) holds a small write while the one before it waits for the
 * client's delayed ACK, about 40 ms: a streamed answer's last events came that much late. Helidon applies
 * these to each socket on its accepting thread right after accept, which is the one place it lets
 * code see a connection before spending a thread on it, and it closes the socket when this throws.
 */
record AdmittingSocketOptions(SocketOptions defaults, ConnectionGuard guard) implements SocketOptions {

    AdmittingSocketOptions(ConnectionGuard guard) {
        this(SocketOptions.builder().tcpNoDelay(true).build(), guard);
    }

    @Override
    public void configureSocket(SocketChannel socket) {
        guard.admit(socket);
        defaults.configureSocket(socket);
    }

    @Override
    public void configureSocket(Socket socket) {
        defaults.configureSocket(socket);
    }

    @Override
    public Map<SocketOption<?>, Object> socketOptions() {
        return defaults.socketOptions();
    }

    @Override
    public Duration connectTimeout() {
        return defaults.connectTimeout();
    }

    @Override
    public Duration readTimeout() {
        return defaults.readTimeout();
    }

    @Override
    public Optional<Integer> socketReceiveBufferSize() {
        return defaults.socketReceiveBufferSize();
    }

    @Override
    public Optional<Integer> socketSendBufferSize() {
        return defaults.socketSendBufferSize();
    }

    @Override
    public boolean socketReuseAddress() {
        return defaults.socketReuseAddress();
    }

    @Override
    public boolean socketKeepAlive() {
        return defaults.socketKeepAlive();
    }

    @Override
    public boolean tcpNoDelay() {
        return defaults.tcpNoDelay();
    }
}
