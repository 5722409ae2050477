package dev.quarry.agents.runtime;

import dev.quarry.canonical.EventStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a running turn can be stopped through: the model stream it reads and the threads running
 * its tool calls. A cancel closes the stream (the provider drops the upstream call, which settles
 * what was produced) and interrupts the tool calls; the runner then closes the turn.
 */
final class TurnControl {
    private final Set<Thread> toolThreads = ConcurrentHashMap.newKeySet();
    private volatile EventStream stream;
    private volatile boolean cancelled;
    private volatile boolean abandoned;
    private volatile boolean timedOut;
    private volatile long deadlineMillis = Long.MAX_VALUE;

    boolean cancelled() {
        return cancelled;
    }

    void cancel() {
        cancelled = true;
        EventStream current = stream;
        if (current != null) current.close();
        toolThreads.forEach(Thread::interrupt);
    }

    /** This node is stopping: the turn is left as committed, for a restart or another node to resume. */
    void abandon() {
        abandoned = true;
        EventStream current = stream;
        if (current != null) current.close();
        toolThreads.forEach(Thread::interrupt);
    }

    /** When the turn must end: a model call still streaming then is cut, however long its answer goes on. */
    void deadline(long millis) {
        deadlineMillis = millis;
    }

    long deadlineMillis() {
        return deadlineMillis;
    }

    /** Cuts the model stream being read once the turn's deadline passed; the runner then fails the turn. */
    void timeOutIfPast(long now) {
        if (now <= deadlineMillis) return;
        timedOut = true;
        EventStream current = stream;
        if (current != null) current.close();
    }

    boolean timedOut() {
        return timedOut;
    }

    boolean abandoned() {
        return abandoned;
    }

    void reading(EventStream current) {
        stream = current;
        if (cancelled) current.close();
    }

    void doneReading() {
        stream = null;
    }

    void toolCallStarted(Thread thread) {
        toolThreads.add(thread);
        if (cancelled) thread.interrupt();
    }

    void toolCallEnded(Thread thread) {
        toolThreads.remove(thread);
    }
}
