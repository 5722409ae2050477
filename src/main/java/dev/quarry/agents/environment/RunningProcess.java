package dev.quarry.agents.environment;

import java.time.Duration;

/** A process started on an executor. */
public interface RunningProcess {
    /**
     * Waits up to {@code timeout} for the process to exit and its output to be delivered.
     *
     * @return how it exited, {@code null} when it is still running
     * @throws ExecutorException.Disconnected the executor went away first (it ended the process)
     */
    ProcessExit await(Duration timeout);

    /** Feeds its stdin (only for a process started with {@code pipeStdin}). */
    void write(byte[] input);

    /** Ends it; does nothing if it has exited. */
    void terminate();
}
