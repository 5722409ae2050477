package dev.quarry.agents.environment;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A process {@link LocalExecutor} started: its stdout and stderr are read by two virtual threads that
 * hand each chunk to the sink, one chunk at a time.
 */
final class LocalProcess implements RunningProcess {
    private static final int CHUNK = 8192;
    // Killing a tree races with processes that fork while it is killed; a few sweeps catch those.
    private static final int KILL_SWEEPS = 5;

    private final String processId;
    private final Process process;
    private final boolean pipeStdin;
    private final Thread stdout;
    private final Thread stderr;
    private volatile boolean disconnected;

    LocalProcess(String processId, Process process, boolean pipeStdin, OutputSink sink) {
        this.processId = processId;
        this.process = process;
        this.pipeStdin = pipeStdin;
        Object turn = new Object(); // the sink is never called from both readers at once
        this.stdout = pump(process.getInputStream(), false, sink, turn, processId);
        this.stderr = pump(process.getErrorStream(), true, sink, turn, processId);
    }

    @Override
    public ProcessExit await(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) return null;
            // A child left running in the background can hold the output open after the process exits;
            // until it lets go (or is terminated) the output is not all delivered, so the process is not done.
            if (!stdout.join(remaining(deadline)) || !stderr.join(remaining(deadline))) return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExecutorException.Interrupted("interrupted while waiting for process " + processId);
        }
        if (disconnected) throw new ExecutorException.Disconnected("the executor was closed; it ended process " + processId);
        return new ProcessExit(process.exitValue(), false);
    }

    @Override
    public void write(byte[] input) {
        if (!pipeStdin) throw new ExecutorException.Refused("process " + processId + " was started without stdin");
        OutputStream stdin = process.getOutputStream();
        try {
            synchronized (stdin) {
                stdin.write(input);
                stdin.flush();
            }
        } catch (IOException e) {
            throw new ExecutorException.Refused("process " + processId + " no longer reads its stdin");
        }
    }

    /**
     * Kills the process and everything it started that is still its descendant. Under bubblewrap that
     * is everything: the sandbox's PID namespace dies with it. Unconfined, a child that detached itself
     * (double fork, {@code setsid}) is no longer a descendant and survives.
     */
    @Override
    public void terminate() {
        for (int sweep = 0; sweep < KILL_SWEEPS; sweep++) {
            // Descendants first: once the parent is gone they are re-parented and out of reach.
            long killed = process.descendants().filter(ProcessHandle::destroyForcibly).count();
            if (killed == 0) break;
        }
        process.destroyForcibly();
    }

    /** Ends it because its executor closed: {@link #await} then says so, unless it had already exited. */
    void disconnect() {
        if (process.isAlive()) disconnected = true;
        terminate();
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static Thread pump(InputStream in, boolean isStderr, OutputSink sink, Object turn, String processId) {
        return Thread.ofVirtual().name("quarry-local-" + processId + (isStderr ? "-err" : "-out")).start(() -> {
            byte[] buffer = new byte[CHUNK];
            try (in) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (n == 0) continue;
                    byte[] chunk = Arrays.copyOf(buffer, n);
                    synchronized (turn) {
                        sink.output(isStderr, chunk);
                    }
                }
            } catch (IOException e) {
                // The pipe broke because the process was killed: what was read has been delivered.
            }
        });
    }
}
