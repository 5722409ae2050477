package dev.quarry.agents.environment;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The sockets executors opened to this node, one per environment: a newer socket of an environment
 * replaces the older, which is closed (one executor per environment; a restarted executor's new
 * socket may come before its old one is known to be dead). A run takes its environment's socket
 * once and initializes it; when the run closes it the executor opens a new one, which waits here
 * for the next run.
 */
public final class DialInRegistry {
    private final Map<String, Entry> sockets = new ConcurrentHashMap<>();

    private record Entry(DialInSocket socket, AtomicBoolean taken) {}

    /** Keeps {@code socket} as the environment's, closing the one it replaces. */
    public void offer(String environmentId, DialInSocket socket) {
        Entry replaced = sockets.put(environmentId, new Entry(socket, new AtomicBoolean()));
        if (replaced != null && replaced.socket() != socket) replaced.socket().close();
    }

    /** Forgets {@code socket} if it is still the environment's (it closed). */
    public void remove(String environmentId, DialInSocket socket) {
        sockets.computeIfPresent(environmentId, (id, entry) -> entry.socket() == socket ? null : entry);
    }

    /** Whether an executor's socket stands for the environment here, taken by a run or waiting for one. */
    public boolean holds(String environmentId) {
        Entry entry = sockets.get(environmentId);
        return entry != null && entry.socket().open();
    }

    /**
     * The environment's waiting socket, initialized.
     *
     * @throws ExecutorException.Disconnected no executor's socket waits here (none connected, or a run has it)
     */
    public ExecServerConnection connect(String environmentId, Duration callTimeout) {
        Entry entry = sockets.get(environmentId);
        if (entry == null || !entry.socket().open() || !entry.taken().compareAndSet(false, true)) {
            throw new ExecutorException.Disconnected("no executor is connected to environment " + environmentId + " on this node");
        }
        return entry.socket().initialize(callTimeout);
    }

    /** Closes every socket, for the node's shutdown. */
    public void closeAll() {
        sockets.values().forEach(entry -> entry.socket().close());
        sockets.clear();
    }
}
