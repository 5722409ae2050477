package dev.quarry.agents.runtime;

import dev.quarry.agents.environment.Executor;
import dev.quarry.agents.environment.ExecutorException;
import dev.quarry.agents.model.EnvironmentState;
import dev.quarry.agents.model.Session;
import dev.quarry.agents.model.TurnError;
import dev.quarry.agents.store.SessionTx;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * A run's connection to its session's executor, made when a tool first needs it and made again
 * after it is lost. While no executor answers, the session shows {@code requires_action} with an
 * {@code environment_connection} action and the turn waits, up to the connect wait (and never
 * past the turn's deadline); then the turn fails with {@code connection_failed}, and an
 * environment that never connected is {@code failed}.
 */
final class EnvironmentLink implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EnvironmentLink.class.getName());
    private static final Duration FIRST_RETRY = Duration.ofMillis(250);
    private static final Duration LAST_RETRY = Duration.ofSeconds(5);

    /** Records a change of state in the session, fenced by the runner's claim. */
    interface Recorder {
        void record(Consumer<SessionTx> change);
    }

    /** No executor answered within the wait: the turn fails with this error. */
    static final class Unavailable extends RuntimeException {
        final TurnError error;

        Unavailable(TurnError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }
    }

    private final RuntimeParts parts;
    private final Session session;
    private final TurnControl control;
    private final Recorder recorder;
    private final long deadline;
    private final String turnId;
    private EnvironmentState state;
    private Executor executor;

    EnvironmentLink(RuntimeParts parts, Session session, String turnId, EnvironmentState state, TurnControl control, Recorder recorder,
                    long deadline) {
        this.parts = parts;
        this.session = session;
        this.turnId = turnId;
        this.state = state;
        this.control = control;
        this.recorder = recorder;
        this.deadline = deadline;
    }

    String environmentId() {
        return state.id();
    }

    /** The connected executor, connecting (and waiting for it) first when there is none. */
    synchronized Executor executor() {
        if (executor != null) return executor;
        long until = Math.min(parts.clock().millis() + parts.settings().environments().connectWait().toMillis(), deadline);
        Duration pause = FIRST_RETRY;
        boolean waiting = false;
        while (true) {
            try {
                executor = parts.connector().connect(session, state.id());
                EnvironmentState connected = state.with(EnvironmentState.CONNECTED, executor.info().version(), null);
                boolean announce = waiting;
                recorder.record(tx -> {
                    tx.environment(connected, turnId);
                    if (announce) tx.status(Session.IN_PROGRESS, null);
                });
                state = connected;
                return executor;
            } catch (ExecutorException.Interrupted e) {
                throw new McpCalls.Interrupted();
            } catch (ExecutorException.Refused e) {
                // Refused (a host not allowed, a wrong token): waiting would not change the answer.
                throw gaveUp(new TurnError("connection_failed", "The environment's executor refused the connection: " + e.getMessage()));
            } catch (ExecutorException e) {
                TurnError why = new TurnError("connection_failed", "The environment's executor could not be reached: " + e.getMessage());
                if (!waiting) {
                    EnvironmentState lost = state.with(state.executorVersion() == null ? EnvironmentState.PENDING : EnvironmentState.DISCONNECTED,
                            null, why);
                    recorder.record(tx -> {
                        if (!lost.equals(state)) tx.environment(lost, turnId);
                        tx.status(Session.REQUIRES_ACTION, null);
                    });
                    state = lost;
                    waiting = true;
                    LOG.info(() -> "session " + session.id() + ": waiting for its executor: " + e.getMessage());
                }
                if (parts.clock().millis() >= until) throw gaveUp(why);
            }
            sleep(pause);
            pause = pause.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : pause.multipliedBy(2);
        }
    }

    /** The executor was lost during a call: it is recorded disconnected, and the next call connects again. */
    synchronized void lost(ExecutorException.Disconnected e) {
        closeExecutor();
        EnvironmentState lost = state.with(EnvironmentState.DISCONNECTED, null,
                new TurnError("executor_disconnected", "The executor disconnected: " + e.getMessage()));
        recorder.record(tx -> tx.environment(lost, turnId));
        state = lost;
    }

    private Unavailable gaveUp(TurnError why) {
        if (state.executorVersion() == null) {
            EnvironmentState failed = state.with(EnvironmentState.FAILED, null, why);
            recorder.record(tx -> tx.environment(failed, turnId));
            state = failed;
        }
        return new Unavailable(why);
    }

    private void sleep(Duration pause) {
        if (control.cancelled() || control.abandoned() || parts.store().cancelRequested(turnId)) throw new McpCalls.Interrupted();
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new McpCalls.Interrupted();
        }
    }

    private void closeExecutor() {
        if (executor == null) return;
        try {
            executor.close();
        } catch (RuntimeException e) {
            LOG.fine(() -> "closing an executor failed: " + e.getMessage());
        }
        executor = null;
    }

    @Override
    public synchronized void close() {
        closeExecutor();
    }
}
