package dev.quarry.routing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread that runs each attempt's time-out at its deadline. Made for what attempts do: nearly
 * all end well before their deadline and are taken off at once, and deadlines come in the order
 * of the attempts (one attempt time-out for all). So the thread sleeps until the earliest
 * deadline it knew of and is woken only for an earlier one: a new attempt costs no wake-up, unlike
 * a {@link java.util.concurrent.ScheduledThreadPoolExecutor}, which wakes its thread whenever a
 * task becomes the first in its queue (every request when requests come one at a time).
 */
final class DeadlineTimer {
    /** The longest the thread sleeps with nothing to wait for. */
    private static final long IDLE_NANOS = TimeUnit.HOURS.toNanos(1);

    /** A task with a deadline, on {@link System#nanoTime()}'s scale. */
    interface Timed extends Runnable {
        long deadline();
    }

    private final Set<Timed> pending = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    /** When the thread wakes next; {@link #add} wakes it sooner for an earlier deadline. */
    private volatile long wakeAt;

    DeadlineTimer(String name) {
        wakeAt = System.nanoTime() + IDLE_NANOS;
        thread = Thread.ofPlatform().daemon().name(name).start(this::run);
    }

    void add(Timed task) {
        pending.add(task);
        if (task.deadline() - wakeAt < 0) LockSupport.unpark(thread);
    }

    /** @return whether it was still pending (its time-out has not begun) */
    boolean remove(Timed task) {
        return pending.remove(task);
    }

    private void run() {
        while (true) {
            long now = System.nanoTime();
            // Any task added while this looks is earlier than this, so it unparks the thread, and the park below returns at once.
            wakeAt = now + IDLE_NANOS;
            long next = now + IDLE_NANOS;
            for (Timed task : pending) {
                if (task.deadline() - now <= 0) {
                    if (pending.remove(task)) task.run();
                } else if (task.deadline() - next < 0) {
                    next = task.deadline();
                }
            }
            wakeAt = next;
            LockSupport.parkNanos(this, next - now);
        }
    }
}
