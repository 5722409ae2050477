package dev.quarry.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A real {@code codex exec-server} (the pinned Codex npm package's native binary) listening on a free
 * loopback port with a capability token: {@code --listen ws://127.0.0.1:0 --ws-auth capability-token
 * --ws-token-file <file>}. The native binary is run directly, not through the package's Node
 * launcher (which, on a Node without {@code process.execve}, such as 20, keeps the server as a child a kill would not reach).
 */
public final class ExecServerProcess implements AutoCloseable {
    private final Process process;
    private final URI url;
    private final String token;
    private final Path log;
    private final Path dir;

    private ExecServerProcess(Process process, URI url, String token, Path log, Path dir) {
        this.process = process;
        this.url = url;
        this.token = token;
        this.log = log;
        this.dir = dir;
    }

    /** Starts one, keeping its token file and log in {@code dir}; returns once it listens. */
    public static ExecServerProcess start(Path dir) throws IOException, InterruptedException {
        return start(dir, 0, "test-capability-token-" + Long.toHexString(System.nanoTime()));
    }

    /**
     * Starts another on this one's port with this one's token, as an operator restarts a crashed
     * executor: a client that knew the old one reaches the new one at the same URL.
     */
    public ExecServerProcess restart() throws IOException, InterruptedException {
        if (process.isAlive()) throw new IllegalStateException("still running: kill or close it first");
        return start(dir, url.getPort(), token);
    }

    private static ExecServerProcess start(Path dir, int port, String token) throws IOException, InterruptedException {
        Path tokenFile = Files.writeString(dir.resolve("exec-server.token"), token + "\n");
        Path log = dir.resolve("exec-server.log");
        Process process = new ProcessBuilder(binary().toString(), "exec-server", "--listen", "ws://127.0.0.1:" + port,
                "--ws-auth", "capability-token", "--ws-token-file", tokenFile.toAbsolutePath().toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        // It prints the URL it listens on, with the port it was given, once it listens.
        CompletableFuture<String> listening = CompletableFuture.supplyAsync(() -> firstLine(process));
        try {
            String line = listening.get(60, TimeUnit.SECONDS);
            if (line == null || !line.startsWith("ws://")) throw new IllegalStateException("printed " + line);
            return new ExecServerProcess(process, URI.create(line.strip()), token, log, dir);
        } catch (ExecutionException | TimeoutException | IllegalStateException e) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("codex exec-server did not start (" + e + "); its log:\n" + Files.readString(log), e);
        }
    }

    /** The executable of the pinned Codex package's native binary, installed first if missing. */
    public static Path binary() throws IOException, InterruptedException {
        Path modules = NpmTools.install(NpmTools.CODEX, "codex").getParent().getParent();
        try (Stream<Path> found = Files.find(modules.resolve("@openai"), 5, (path, attributes) -> attributes.isRegularFile()
                && path.getFileName().toString().equals("codex") && path.getParent().getFileName().toString().equals("bin")
                && path.toString().contains("/vendor/"))) {
            return found.findFirst().orElseThrow(() -> new AssertionError("no native codex binary under " + modules));
        }
    }

    /** Where it listens, {@code ws://127.0.0.1:<port>}. */
    public URI url() {
        return url;
    }

    /** The capability token it accepts. */
    public String token() {
        return token;
    }

    /** Kills it with SIGKILL, as a crash would, and waits for it to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Stops it with SIGSTOP: it keeps its connections open and answers nothing, until {@link #resume}. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
        // A signal is delivered to each thread when it next runs: wait until every one has stopped.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!allThreadsStopped()) {
            if (System.nanoTime() > deadline) throw new IOException("exec-server " + process.pid() + " did not stop");
            Thread.sleep(10);
        }
    }

    /** Lets a paused one go on (SIGCONT). */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    /** What it wrote to stderr so far. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) return;
        try {
            resume();
        } catch (IOException e) {
            // Not paused, or gone: it is ended below either way.
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) kill();
    }

    private boolean allThreadsStopped() throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            return tasks.allMatch(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    return state == 'T' || state == 't';
                } catch (IOException e) {
                    return true; // the thread has ended
                }
            });
        }
    }

    private void signal(String name) throws IOException, InterruptedException {
        int code = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (code != 0) throw new IOException("kill -" + name + " " + process.pid() + " exited " + code);
    }

    private static void drain(BufferedReader out) {
        try {
            char[] buffer = new char[8192];
            while (out.read(buffer) >= 0) {
                // discarded: it has said where it listens
            }
        } catch (IOException e) {
            // It ended.
        }
    }

    private static String firstLine(Process process) {
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            Thread.startVirtualThread(() -> drain(out)); // a full pipe would stall it
            return line;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
