package dev.quarry.routing;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelEntry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one attempt with a time limit, on the request's own thread: a thread of its own per
 * attempt cost two hand-offs per request. A blocking socket read cannot be given a deadline from
 * outside except by interrupting the thread that reads, so a shared timer interrupts the request's
 * thread when the attempt is late; a virtual thread's socket is closed by that, and an answer that
 * still arrives is discarded. The interrupt is the timer's alone: it is cleared before the request
 * goes on, so it never reaches a retry or the code that writes the answer.
 */
final class Attempts {
    /** One timer for all attempts. */
    private static final DeadlineTimer TIMER = new DeadlineTimer("quarry-attempt-timer");

    private final long attemptTimeoutNanos;

    Attempts(Duration attemptTimeout) {
        this.attemptTimeoutNanos = attemptTimeout.toNanos();
    }

    /** @param remainingNanos what is left of the request's whole budget, which bounds this attempt too */
    <T> T open(Attempter<T> attempter, ModelEntry model, Deployment deployment, long remainingNanos) {
        long limit = attempter.answersWhole(model, deployment) ? remainingNanos : Math.min(attemptTimeoutNanos, remainingNanos);
        Watch watch = new Watch(Thread.currentThread(), System.nanoTime() + limit);
        TIMER.add(watch);
        T value = null;
        RuntimeException failure = null;
        boolean late;
        try {
            value = attempter.open(model, deployment);
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            late = watch.stop();
        }
        if (late) {
            if (failure == null) discard(attempter, value);
            throw new QuarryException(QuarryError.of(ErrorKind.UPSTREAM_TIMEOUT, "Deployment " + deployment.key()
                    + " of '" + model.id() + "' gave no answer within " + limit / 1_000_000 + " ms."), failure);
        }
        if (Thread.currentThread().isInterrupted() || interruptedBy(failure)) { // the caller's own interrupt: the request is cancelled
            Thread.currentThread().interrupt();
            if (failure == null) discard(attempter, value);
            throw QuarryException.of(ErrorKind.UPSTREAM_UNAVAILABLE, "The request was interrupted while waiting for an answer.");
        }
        if (failure != null) throw failure;
        return value;
    }

    /**
     * Whether the attempt failed on an interrupt whose status was cleared on the way: Helidon's
     * client wraps an interrupt that reaches it while it ends its idle monitoring of a kept-alive
     * connection in a RuntimeException.
     */
    private static boolean interruptedBy(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InterruptedException) return true;
        }
        return false;
    }

    /** The request no longer wants this answer; freeing it is best effort and changes nothing for the request. */
    private static <T> void discard(Attempter<T> attempter, T late) {
        try {
            attempter.discard(late);
        } catch (RuntimeException ignored) {
            // nothing more can be freed
        }
    }

    /**
     * The deadline of one attempt. Whichever of the attempt's end and the timer comes first wins;
     * when the timer won, the attempt's end waits for its interrupt to be delivered and clears it.
     */
    private static final class Watch implements DeadlineTimer.Timed {
        private static final int RUNNING = 0;
        private static final int STOPPED = 1;
        private static final int INTERRUPTING = 2;
        private static final int INTERRUPTED = 3;

        private final Thread attempting;
        private final long deadline;
        private final AtomicInteger state = new AtomicInteger(RUNNING);

        Watch(Thread attempting, long deadline) {
            this.attempting = attempting;
            this.deadline = deadline;
        }

        @Override
        public long deadline() {
            return deadline;
        }

        /** On the timer's thread. */
        @Override
        public void run() {
            if (!state.compareAndSet(RUNNING, INTERRUPTING)) return;
            attempting.interrupt();
            state.set(INTERRUPTED);
        }

        /** On the attempt's thread, when the attempt ended. @return whether the deadline had passed */
        boolean stop() {
            if (state.compareAndSet(RUNNING, STOPPED)) {
                TIMER.remove(this);
                return false;
            }
            while (state.get() != INTERRUPTED) Thread.onSpinWait(); // the timer is between its two lines
            Thread.interrupted();
            return true;
        }
    }
}
