package dev.quarry.agents.environment;

/** Receives a process's output as it comes. */
@FunctionalInterface
public interface OutputSink {
    /** @param stderr whether the chunk came on stderr (else stdout) */
    void output(boolean stderr, byte[] chunk);
}
