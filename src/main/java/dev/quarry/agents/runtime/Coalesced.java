package dev.quarry.agents.runtime;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A task many callers ask for, run once for all those who asked before it began: while one run
 * waits to begin, further requests add nothing, so a burst of requests queues at most one run
 * behind the one in progress instead of a thread each. A request made after a run began gets a run
 * of its own, which begins once that one ends.
 */
final class Coalesced {
    private final Executor executor;
    private final Runnable task;
    private final AtomicBoolean asked = new AtomicBoolean();
    private final Object running = new Object();

    Coalesced(Executor executor, Runnable task) {
        this.executor = executor;
        this.task = task;
    }

    void request() {
        if (asked.compareAndSet(false, true)) executor.execute(this::runOnce);
    }

    private void runOnce() {
        synchronized (running) {
            // Cleared only once this run holds its turn: a request from now on needs a run after this one.
            asked.set(false);
            task.run();
        }
    }
}
