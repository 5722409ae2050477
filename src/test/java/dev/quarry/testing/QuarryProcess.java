package dev.quarry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code quarry serve} in its own JVM, as an operator runs it, on the test's class path: for what
 * only a process shows (signals, a kill, its file-descriptor limit). Its output is appended to
 * {@code quarry.log} in the folder it is given, which also holds its data.
 */
public final class QuarryProcess implements AutoCloseable {
    /** The bootstrap admin's key of every such process (long enough for the 32-character rule). */
    public static final String ADMIN_KEY = "qk-test-process-admin-0123456789abcdef";

    private final Process process;
    private final int port;
    private final Path log;

    private QuarryProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts Quarry with that config on that port and returns once {@code /healthz} answers. */
    public static QuarryProcess start(Path dir, Path config, int port) throws InterruptedException {
        Path log = dir.resolve("quarry.log");
        QuarryProcess quarry = new QuarryProcess(serve(log, "--config", config.toString(), "--data", dir.resolve("data").toString(),
                "--port", Integer.toString(port)), port, log);
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && quarry.process.isAlive()) {
            try {
                var health = http.send(HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/healthz")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (health.statusCode() == 200) return quarry;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        quarry.close();
        throw new AssertionError("Quarry did not start; its log:\n" + quarry.log());
    }

    /** The exit code and the output (stdout and stderr) of a {@code quarry serve} that ended by itself. */
    public record Ended(int code, String output) {}

    /**
     * Runs {@code quarry serve} with these arguments, which must make it end by itself (a port in
     * use, a bad option) within {@code timeout}; its output is kept in {@code quarry.log} in {@code dir}.
     */
    public static Ended serveUntilItEnds(Path dir, Duration timeout, String... args) throws InterruptedException {
        QuarryProcess quarry = new QuarryProcess(serve(dir.resolve("quarry.log"), args), -1, dir.resolve("quarry.log"));
        try (quarry) {
            return new Ended(quarry.exitCode(timeout), quarry.log());
        }
    }

    private static Process serve(Path log, String... args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "dev.quarry.cli.Main", "serve"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("QUARRY_ADMIN_KEY", ADMIN_KEY);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM, as an orchestrator stops a process. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL: no shutdown hook, no flush. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** The exit code, once the process has ended within {@code timeout}. */
    public int exitCode(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("Quarry still running " + timeout.toSeconds() + "s later; its log:\n" + log());
        }
        return process.exitValue();
    }

    /** What the process has written so far (and what earlier processes in the same folder wrote). */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) kill();
    }
}
