package dev.quarry.agents.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quarry.testing.ExecServerProcess;
import dev.quarry.testing.NpmTools;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ExecServerConnection} and {@link ListeningDialer} against the real {@code codex exec-server} of the pinned Codex package. */
class ExecServerConnectionTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "HOME", System.getProperty("user.home"));
    private static final AtomicInteger IDS = new AtomicInteger();

    @TempDir
    Path dir;

    private final ListeningDialer dialer = new ListeningDialer(Duration.ofSeconds(10), Duration.ofSeconds(3));
    private ExecServerProcess server;
    private ExecServerConnection executor;

    @BeforeEach
    void startServer() throws Exception {
        assumeTrue(NpmTools.npmAvailable(), "npm is not installed, so the real codex exec-server cannot be installed (install Node.js and npm)");
        server = ExecServerProcess.start(Files.createDirectories(dir.resolve("server")));
        executor = dialer.dial(server.url(), server.token());
    }

    @AfterEach
    void stopServer() throws Exception {
        if (executor != null) executor.close();
        if (server != null) server.close();
    }

    @Test
    void saysWhatItIsWhenItConnects() {
        assertThat(executor.info().version()).isEqualTo("0.169.0");
        assertThat(executor.info().shell()).isNotBlank();
        assertThat(executor.info().cwd()).startsWith("/");
        assertThat(executor.sessionId()).isNotBlank();
    }

    @Test
    void runsACommandAndDeliversItsOutputBeforeItsExit() {
        Output output = new Output();
        RunningProcess process = executor.start(spec(List.of("bash", "-lc", "echo hi; echo err >&2; exit 3"), false), output);

        ProcessExit exit = process.await(Duration.ofSeconds(20));

        assertThat(exit).isEqualTo(new ProcessExit(3, false));
        assertThat(output.stdout()).isEqualTo("hi\n");
        assertThat(output.stderr()).endsWith("err\n"); // a login shell may complain about the profile first
    }

    @Test
    void awaitSaysNullWhileItRunsAndTerminateEndsIt() {
        RunningProcess process = executor.start(spec(List.of("sleep", "30"), false), new Output());

        assertThat(process.await(Duration.ofMillis(200))).isNull();
        process.terminate();

        ProcessExit exit = process.await(Duration.ofSeconds(10));
        assertThat(exit).isNotNull();
        assertThat(exit.exitCode()).isEqualTo(137); // SIGKILL, as the exec-server reports it
        process.terminate();
    }

    @Test
    void aSecondStartWithARunningProcessesIdIsRefused() {
        ProcessSpec spec = spec(List.of("sleep", "30"), false);
        RunningProcess first = executor.start(spec, new Output());

        assertThatThrownBy(() -> executor.start(spec, new Output()))
                .isInstanceOf(ExecutorException.Refused.class).hasMessageContaining(spec.processId());
        first.terminate();
        assertThat(first.await(Duration.ofSeconds(10))).isNotNull();
    }

    @Test
    void aProcessIdIsPerConnection() {
        ProcessSpec spec = spec(List.of("sleep", "30"), false);
        RunningProcess first = executor.start(spec, new Output());

        try (ExecServerConnection other = dialer.dial(server.url(), server.token())) {
            RunningProcess second = other.start(spec, new Output());
            second.terminate();
            assertThat(second.await(Duration.ofSeconds(10))).isNotNull();
        }
        assertThat(first.await(Duration.ZERO)).isNull();
        first.terminate();
    }

    @Test
    void pipedStdinReachesTheProcess() throws Exception {
        Output output = new Output();
        RunningProcess cat = executor.start(spec(List.of("cat"), true), output);

        cat.write("hello\n".getBytes(StandardCharsets.UTF_8));
        cat.write("again\n".getBytes(StandardCharsets.UTF_8));

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!output.stdout().equals("hello\nagain\n") && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(output.stdout()).isEqualTo("hello\nagain\n");
        cat.terminate();
        assertThat(cat.await(Duration.ofSeconds(10))).isNotNull();
    }

    @Test
    void writingToAProcessWithoutPipedStdinIsRefused() {
        RunningProcess sleep = executor.start(spec(List.of("sleep", "30"), false), new Output());

        assertThatThrownBy(() -> sleep.write("x".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ExecutorException.Refused.class).hasMessageContaining("stdin is closed");
        sleep.terminate();
    }

    @Test
    void aProgramThatCannotStartIsRefused() {
        assertThatThrownBy(() -> executor.start(spec(List.of("/no/such/program"), false), new Output()))
                .isInstanceOf(ExecutorException.Refused.class).hasMessageContaining("No such file or directory");
    }

    @Test
    void aFailingSinkStopsItsProcessAndNotTheConnection() throws Exception {
        RunningProcess process = executor.start(spec(List.of("bash", "-c", "echo hi; sleep 30"), false), (stderr, chunk) -> {
            throw new IllegalStateException("sink is full");
        });

        assertThatThrownBy(() -> process.await(Duration.ofSeconds(10)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("output sink").hasRootCauseMessage("sink is full");
        assertThat(executor.metadata(dir.toString()).directory()).isTrue();
    }

    @Test
    void filesAreAnsweredWhileAProcessRuns() throws Exception {
        Path file = Files.writeString(dir.resolve("f.txt"), "content");
        RunningProcess sleep = executor.start(spec(List.of("sleep", "30"), false), new Output());

        long started = System.nanoTime();
        assertThat(executor.readFile(file.toString(), 100)).asString().isEqualTo("content");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        sleep.terminate();
    }

    @Test
    void writesReadsListsAndRemovesFiles() {
        String root = dir.resolve("wörk space").toString();
        executor.createDirectories(root + "/a/b");
        byte[] content = "line one\nline two\n".getBytes(StandardCharsets.UTF_8);
        executor.writeFile(root + "/a/b/notes.txt", content);
        executor.createDirectories(root + "/a/b/sub");

        assertThat(executor.readFile(root + "/a/b/notes.txt", 1000)).isEqualTo(content);
        assertThat(executor.readDirectory(root + "/a/b")).containsExactlyInAnyOrder(
                new FileEntry("notes.txt", false, false, -1), new FileEntry("sub", true, false, -1));
        assertThat(executor.metadata(root + "/a/b/notes.txt")).isEqualTo(new FileEntry("notes.txt", false, false, content.length));
        assertThat(executor.metadata(root + "/a/b/sub")).extracting(FileEntry::name, FileEntry::directory).containsExactly("sub", true);

        executor.remove(root + "/a");
        assertThat(executor.metadata(root + "/a")).isNull();
        executor.remove(root + "/a"); // nothing there: still fine
    }

    @Test
    void aLargeFileRoundTripsThroughManyFrames() {
        byte[] content = new byte[3 << 20];
        new Random(7).nextBytes(content);
        String path = dir.resolve("large.bin").toString();

        executor.writeFile(path, content);

        assertThat(executor.readFile(path, content.length)).isEqualTo(content);
    }

    @Test
    void aFileOverTheLimitIsRefusedWithoutItsContent() throws Exception {
        Path file = Files.writeString(dir.resolve("secret.txt"), "s3cr3t-".repeat(20));

        assertThatThrownBy(() -> executor.readFile(file.toString(), 10))
                .isInstanceOf(ExecutorException.Refused.class).hasMessageContaining("140 bytes").hasMessageNotContaining("s3cr3t");
    }

    @Test
    void aSymlinkCanonicalizesToItsTarget() throws Exception {
        Path target = Files.writeString(Files.createDirectories(dir.resolve("real")).resolve("t.txt"), "x");
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), target);

        assertThat(executor.canonicalize(link.toString())).isEqualTo(target.toRealPath().toString());
        assertThat(executor.canonicalize(dir + "/real/../real/./t.txt")).isEqualTo(target.toRealPath().toString());
        assertThat(executor.metadata(link.toString()).symlink()).isTrue();
    }

    @Test
    void aDanglingLinkInTheWorkspaceIsOutsideItAndNothingIsWrittenThroughIt() throws Exception {
        Path ws = Files.createDirectories(dir.resolve("ws"));
        Path target = dir.resolve("outside").resolve("planted.txt");
        Files.createDirectories(target.getParent());
        Files.createSymbolicLink(ws.resolve("dangling"), target);
        Workspace workspace = Workspace.open(executor, ws.toString());

        assertThatThrownBy(() -> workspace.resolve("dangling")).isInstanceOf(WorkspaceException.class).hasMessageContaining("outside");
        assertThatThrownBy(() -> new FileTools(ws.toString(), List.of()).call(executor, "write_file",
                JsonRpcSocket.JSON.createObjectNode().put("path", "dangling").put("content", "pwned")))
                .isInstanceOf(FileTools.ToolFailure.class);
        assertThat(target).doesNotExist();
        Files.createSymbolicLink(ws.resolve("alias"), Files.createDirectory(ws.resolve("real")));
        assertThat(workspace.resolve("alias/new.txt")).isEqualTo(ws.toRealPath() + "/real/new.txt");
    }

    @Test
    void aMissingFileIsRefusedAndHasNoMetadata() {
        String missing = dir.resolve("missing.txt").toString();

        assertThatThrownBy(() -> executor.readFile(missing, 100))
                .isInstanceOf(ExecutorException.Refused.class).hasMessageContaining(missing).hasMessageContaining("No such file");
        assertThatThrownBy(() -> executor.canonicalize(missing)).isInstanceOf(ExecutorException.Refused.class);
        assertThatThrownBy(() -> executor.writeFile(dir + "/no/folder/f.txt", new byte[1])).isInstanceOf(ExecutorException.Refused.class);
        assertThat(executor.metadata(missing)).isNull();
    }

    @Test
    void aRelativePathIsABadArgument() {
        assertThatThrownBy(() -> executor.readFile("relative.txt", 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWrongTokenIsRefusedWithoutBeingNamed() {
        assertThatThrownBy(() -> dialer.dial(server.url(), "wrong-token-value"))
                .isInstanceOf(ExecutorException.Refused.class).hasMessageContaining("refused the capability token (HTTP 401)")
                .hasMessageNotContaining("wrong-token-value");
    }

    @Test
    void nothingListeningIsDisconnected() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        assertThatThrownBy(() -> dialer.dial(URI.create("ws://127.0.0.1:" + port), "t"))
                .isInstanceOf(ExecutorException.Disconnected.class).hasMessageContaining("127.0.0.1:" + port);
    }

    @Test
    void aKilledServerEndsRunningProcessesAndLaterCallsPromptly() throws Exception {
        RunningProcess sleep = executor.start(spec(List.of("sleep", "30"), false), new Output());
        assertThat(sleep.await(Duration.ofMillis(100))).isNull();

        server.kill();

        long started = System.nanoTime();
        assertThatThrownBy(() -> sleep.await(Duration.ofSeconds(20))).isInstanceOf(ExecutorException.Disconnected.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThatThrownBy(() -> executor.metadata(dir.toString())).isInstanceOf(ExecutorException.Disconnected.class);
        sleep.terminate(); // gone with the server: nothing to do
    }

    @Test
    void aServerThatStopsAnsweringTimesOutAsDisconnected() throws Exception {
        server.pause();
        try {
            long started = System.nanoTime();
            assertThatThrownBy(() -> executor.metadata(dir.toString()))
                    .isInstanceOf(ExecutorException.Disconnected.class).hasMessageContaining("did not answer fs/getMetadata within 3 s");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(8));
            assertThatThrownBy(() -> executor.canonicalize(dir.toString())).isInstanceOf(ExecutorException.Disconnected.class);
        } finally {
            server.resume();
        }
    }

    @Test
    void closingEndsTheConnectionsProcessesOnTheExecutorToo() throws Exception {
        Path marker = dir.resolve("marker");
        RunningProcess late = executor.start(spec(List.of("sh", "-c", "sleep 1; echo ran > " + marker), false), new Output());

        executor.close();

        try {
            assertThat(late.await(Duration.ofSeconds(5))).as("its exit, if it came before the socket closed").isNotNull();
        } catch (ExecutorException.Disconnected e) {
            assertThat(e).hasMessageEndingWith("closed by Quarry");
        }
        Thread.sleep(2000);
        assertThat(marker).doesNotExist(); // terminated before the socket closed: the exec-server alone would keep it running
    }

    @Test
    void anInterruptedWaitSaysSoAndKeepsTheFlag() {
        RunningProcess sleep = executor.start(spec(List.of("sleep", "30"), false), new Output());

        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> sleep.await(Duration.ofSeconds(5))).isInstanceOf(ExecutorException.Interrupted.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        sleep.terminate();
    }

    private ProcessSpec spec(List<String> argv, boolean pipeStdin) {
        return new ProcessSpec("p" + IDS.incrementAndGet(), argv, dir.toString(), ENV, pipeStdin);
    }

    /** Collects a process's output by stream. */
    static final class Output implements OutputSink {
        private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

        @Override
        public synchronized void output(boolean isStderr, byte[] chunk) {
            (isStderr ? stderr : stdout).writeBytes(chunk);
        }

        synchronized String stdout() {
            return stdout.toString(StandardCharsets.UTF_8);
        }

        synchronized String stderr() {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }
}
