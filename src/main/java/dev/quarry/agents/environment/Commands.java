package dev.quarry.agents.environment;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs an agent's shell command on an executor: {@code bash -lc <command>} in a given folder,
 * its output (stdout and stderr as they interleave) collected and handed on live, within a time
 * limit and an output cap. A command that passes either is ended, not left running.
 */
public final class Commands {
    /** How often a running command's limits are checked. */
    private static final Duration TICK = Duration.ofMillis(200);
    /** The environment commands (and stdio MCP servers) start with; a login shell adds the machine's own profile. */
    public static final Map<String, String> ENV = Map.of("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "LANG", "C.UTF-8", "TERM", "dumb");

    private Commands() {}

    /**
     * How a command ended.
     *
     * @param exitCode {@code null} when it did not exit by itself
     * @param error    {@code null} when it exited by itself (whatever its code); else why it was stopped
     */
    public record Outcome(String output, Integer exitCode, long durationMs, String error) {}

    /**
     * Runs {@code command} and waits for it.
     *
     * @param processId unique on the executor's connection (a duplicate is refused, so a repeat cannot run twice)
     * @param live      receives the output as it comes, decoded
     * @throws ExecutorException.Disconnected when the executor is lost (it ends the command)
     */
    public static Outcome run(Executor executor, String processId, String command, String cwd, Duration timeout, int maxOutputBytes,
                              Consumer<String> live) {
        Collector output = new Collector(maxOutputBytes, live);
        long started = System.nanoTime();
        RunningProcess process = executor.start(new ProcessSpec(processId, List.of("bash", "-lc", command), cwd, ENV, false), output);
        long limit = started + timeout.toNanos();
        while (true) {
            ProcessExit exit;
            try {
                exit = process.await(TICK);
            } catch (ExecutorException.Interrupted e) {
                process.terminate();
                throw e;
            }
            long elapsed = (System.nanoTime() - started) / 1_000_000;
            // Checked before the exit: a command that floods its output and ends within one tick was still cut.
            if (output.overflowed()) {
                if (exit == null) process.terminate();
                return new Outcome(output.text() + "\n[output cut at " + maxOutputBytes + " bytes]", exit == null ? null : exit.exitCode(), elapsed,
                        "output_limit_exceeded: the command wrote more than " + maxOutputBytes + " bytes of output"
                                + (exit == null ? " and was stopped" : ""));
            }
            if (exit != null) {
                String sandbox = exit.sandboxDenied() ? "the executor's sandbox refused an operation of the command" : null;
                return new Outcome(output.text(), exit.exitCode(), elapsed, sandbox);
            }
            if (System.nanoTime() > limit) {
                process.terminate();
                return new Outcome(output.text(), null, elapsed, "timeout: the command ran longer than " + timeout.toMillis() + " ms and was stopped");
            }
        }
    }

    /** Decodes the output as UTF-8 across chunk boundaries, up to the cap. */
    private static final class Collector implements OutputSink {
        private final int max;
        private final Consumer<String> live;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        private final StringBuilder text = new StringBuilder();
        private ByteBuffer pending = ByteBuffer.allocate(0);
        private long bytes;
        private volatile boolean overflowed;

        Collector(int max, Consumer<String> live) {
            this.max = max;
            this.live = live;
        }

        @Override
        public synchronized void output(boolean stderr, byte[] chunk) {
            if (overflowed) return;
            int room = (int) Math.min(chunk.length, max - bytes);
            bytes += chunk.length;
            if (room < chunk.length) overflowed = true;
            ByteBuffer in = ByteBuffer.allocate(pending.remaining() + room);
            in.put(pending).put(chunk, 0, room).flip();
            CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
            decoder.decode(in, out, false);
            pending = in.slice(); // an incomplete character waits for the next chunk
            out.flip();
            if (out.hasRemaining()) {
                String decoded = out.toString();
                text.append(decoded);
                live.accept(decoded);
            }
        }

        boolean overflowed() {
            return overflowed;
        }

        synchronized String text() {
            return text.toString();
        }
    }
}
