package dev.quarry.agents.runtime;

import dev.quarry.agents.model.SessionEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One stream's view of a session: committed events exactly once and in order (whether they came
 * from this node's runner or the store), live deltas when they are newer than what it has.
 * A follower that falls {@value #CAPACITY} events, or {@value #MAX_QUEUED_CHARS} characters of
 * their text, behind is cut off rather than let memory grow; it reconnects with
 * {@code Last-Event-ID} and loses nothing committed.
 */
public final class Subscription implements AutoCloseable {
    static final int CAPACITY = 4096;
    static final int CATCH_UP_PAGE = 500;
    /** What a follower's queued events may hold; one event larger than this still goes through, alone. */
    static final long MAX_QUEUED_CHARS = 16L * 1024 * 1024;
    /** How soon a stream waiting for events notices its subscription was closed (a shutdown, a cut-off). */
    private static final long CLOSE_CHECK_MILLIS = 250;

    private final String sessionId;
    private final EventHub hub;
    private final LinkedBlockingQueue<SessionEvent> queue = new LinkedBlockingQueue<>(CAPACITY);
    private final AtomicLong queuedChars = new AtomicLong();
    private long lastSeq;
    private volatile boolean closed;
    private volatile boolean overflowed;

    Subscription(String sessionId, long afterSeq, EventHub hub) {
        this.sessionId = sessionId;
        this.lastSeq = afterSeq;
        this.hub = hub;
    }

    public String sessionId() {
        return sessionId;
    }

    synchronized long lastSeq() {
        return lastSeq;
    }

    /** Offers committed events in order; false when there is a gap before them (the caller then reads the store). */
    synchronized boolean offerCommitted(List<SessionEvent> events) {
        for (SessionEvent event : events) {
            if (event.seq() <= lastSeq) continue;
            if (event.seq() != lastSeq + 1) return false;
            if (!enqueue(event)) {
                overflow();
                return true;
            }
            lastSeq = event.seq();
        }
        return true;
    }

    synchronized void offerLive(SessionEvent event) {
        // A delta numbered after a committed event this follower has not seen yet would come out of order.
        if (event.seq() != lastSeq || closed) return;
        if (!enqueue(event)) overflow();
    }

    private boolean enqueue(SessionEvent event) {
        long size = EventSize.of(event);
        if (!queue.isEmpty() && queuedChars.get() + size > MAX_QUEUED_CHARS) return false;
        if (!queue.offer(event)) return false;
        queuedChars.addAndGet(size);
        return true;
    }

    /** The next event; {@code null} when none came within {@code wait}, or at once when the subscription is closed and drained. */
    public SessionEvent next(Duration wait) throws InterruptedException {
        long until = System.nanoTime() + wait.toNanos();
        while (true) {
            SessionEvent event = queue.poll(Math.min(CLOSE_CHECK_MILLIS, Math.max(0, (until - System.nanoTime()) / 1_000_000)), TimeUnit.MILLISECONDS);
            if (event != null) queuedChars.addAndGet(-EventSize.of(event));
            if (event != null || closed || System.nanoTime() >= until) return event;
        }
    }

    /** Whether the follower was cut off for falling behind. */
    public boolean overflowed() {
        return overflowed;
    }

    public boolean closed() {
        return closed;
    }

    private void overflow() {
        overflowed = true;
        close();
    }

    @Override
    public void close() {
        closed = true;
        hub.unsubscribe(this);
    }
}
