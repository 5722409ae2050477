package dev.quarry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder in front of a server whose connections can be cut, and new ones refused for a
 * while, as a proxy or a network that drops a long-lived stream does: a client's reconnection is
 * tested against it.
 */
public final class CuttingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong answered = new AtomicLong();
    private volatile boolean down;

    public CuttingProxy(int targetPort) {
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.submit(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    if (down) {
                        close(client);
                        continue;
                    }
                    Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    open.add(client);
                    open.add(server);
                    threads.submit(() -> pipe(client, server, new AtomicLong()));
                    threads.submit(() -> pipe(server, client, answered));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /** Closes every connection open now, and every new one until {@link #restore}. */
    public void cut() {
        down = true;
        for (Socket socket : open) close(socket);
    }

    /** Forwards new connections again. */
    public void restore() {
        down = false;
    }

    @Override
    public void close() {
        close(listener);
        cut();
        threads.shutdownNow();
    }

    /** The bytes the server has sent back so far, over every connection. */
    public long answered() {
        return answered.get();
    }

    private void pipe(Socket from, Socket to, AtomicLong counted) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
                counted.addAndGet(n);
            }
        } catch (IOException gone) {
            // one side closed or was cut: the other goes too
        } finally {
            close(from);
            close(to);
        }
    }

    private void close(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // already closed
        }
        if (closeable instanceof Socket socket) open.remove(socket);
    }
}
