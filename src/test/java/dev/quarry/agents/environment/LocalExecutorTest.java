package dev.quarry.agents.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quarry.agents.model.EnvironmentSpec.LocalLimits;
import dev.quarry.agents.model.EnvironmentSpec.QuarryLocal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The local executor on this machine's real processes and files. Command behaviour is checked both
 * unconfined (always) and under bubblewrap (where {@link Bubblewrap#probe} says it works); what only
 * the sandbox gives (no network, read-only system) only under bubblewrap.
 */
class LocalExecutorTest {
    private static final Bubblewrap.Probe BWRAP = Bubblewrap.onPath().probe();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final AtomicInteger IDS = new AtomicInteger();

    @TempDir
    Path dataDir;

    private final List<LocalExecutor> executors = new ArrayList<>();

    @AfterEach
    void closeExecutors() {
        executors.forEach(LocalExecutor::close);
    }

    // ---- processes, both ways

    @ParameterizedTest(name = "confined={0}")
    @ValueSource(booleans = {false, true})
    void aCommandsOutputAndExitCodeComeBack(boolean confined) {
        Result result = run(executor(confined), "bash", "-c", "echo out; echo err >&2; exit 3");
        assertThat(result.exit().exitCode()).isEqualTo(3);
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
    }

    @ParameterizedTest(name = "confined={0}")
    @ValueSource(booleans = {false, true})
    void outputStreamsInOrderWhileTheCommandRuns(boolean confined) {
        LocalExecutor executor = executor(confined);
        Sink sink = new Sink();
        RunningProcess process = executor.start(spec(executor, "bash", "-c", "for i in $(seq 1 2000); do echo line$i; done; sleep 100"), sink);
        String expected = IntStream.rangeClosed(1, 2000).mapToObj(i -> "line" + i + "\n").collect(Collectors.joining());
        waitFor(() -> sink.stdout().equals(expected));
        assertThat(process.await(Duration.ofMillis(100))).as("still running").isNull();
        process.terminate();
        assertThat(process.await(WAIT)).isNotNull();
        assertThat(sink.stdout()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "confined={0}")
    @ValueSource(booleans = {false, true})
    void stdinIsFedByWrite(boolean confined) {
        LocalExecutor executor = executor(confined);
        Sink sink = new Sink();
        ProcessSpec spec = new ProcessSpec(nextId(), List.of("bash", "-c", "read a; read b; echo \"got $a and $b\""), executor.workspace().toString(), Map.of(), true);
        RunningProcess process = executor.start(spec, sink);
        process.write("one\n".getBytes(StandardCharsets.UTF_8));
        process.write("two\n".getBytes(StandardCharsets.UTF_8));
        assertThat(process.await(WAIT).exitCode()).isZero();
        assertThat(sink.stdout()).isEqualTo("got one and two\n");
    }

    @ParameterizedTest(name = "confined={0}")
    @ValueSource(booleans = {false, true})
    void terminateKillsTheCommandAndItsChildren(boolean confined) {
        LocalExecutor executor = executor(confined);
        String marker = Integer.toString(100 + IDS.incrementAndGet());
        RunningProcess process = executor.start(spec(executor, "bash", "-c", "sleep " + marker + " & wait"), new Sink());
        List<ProcessHandle> sleeps = new ArrayList<>();
        waitFor(() -> {
            sleeps.clear();
            ProcessHandle.current().descendants().filter(p -> isSleep(p, marker)).forEach(sleeps::add);
            return !sleeps.isEmpty();
        });
        process.terminate();
        assertThat(process.await(WAIT)).isNotNull();
        waitFor(() -> sleeps.stream().noneMatch(ProcessHandle::isAlive));
    }

    @ParameterizedTest(name = "confined={0}")
    @ValueSource(booleans = {false, true})
    void awaitReturnsNullWhenTheCommandOutlastsTheTimeout(boolean confined) {
        LocalExecutor executor = executor(confined);
        RunningProcess process = executor.start(spec(executor, "sleep", "100"), new Sink());
        assertThat(process.await(Duration.ofMillis(300))).isNull();
        process.terminate();
        assertThat(process.await(WAIT)).isNotNull();
    }

    @ParameterizedTest(name = "confined={0}")
    @ValueSource(booleans = {false, true})
    void aCommandGetsOnlyItsOwnEnvironment(boolean confined) {
        LocalExecutor executor = executor(confined);
        ProcessSpec spec = new ProcessSpec(nextId(), List.of("env"), executor.workspace().toString(), Map.of("GREETING", "hi"), false);
        Sink sink = new Sink();
        assertThat(executor.start(spec, sink).await(WAIT).exitCode()).isZero();
        // bwrap sets PWD to the folder it changed into
        assertThat(sink.stdout().lines().filter(line -> !line.startsWith("PWD=")).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + executor.workspace(), "LANG=C.UTF-8", "GREETING=hi");
    }

    @ParameterizedTest(name = "confined={0}")
    @ValueSource(booleans = {false, true})
    void aFileACommandWritesIsReadAtTheSamePath(boolean confined) {
        LocalExecutor executor = executor(confined);
        Result result = run(executor, "bash", "-c", "mkdir -p sub && echo made > sub/f.txt && pwd");
        assertThat(result.exit().exitCode()).isZero();
        assertThat(result.stdout().strip()).isEqualTo(executor.workspace().toString());
        assertThat(executor.readFile(executor.workspace() + "/sub/f.txt", 100)).asString().isEqualTo("made\n");
    }

    @ParameterizedTest(name = "confined={0}")
    @ValueSource(booleans = {false, true})
    void theLimitsAreSetOnTheCommand(boolean confined) {
        assumeTrue(Prlimit.find().isPresent(), "no prlimit on this machine");
        LocalExecutor executor = executor(confined, false, new LocalLimits(512, 30, 64, 16));
        Result result = run(executor, "cat", "/proc/self/limits");
        assertThat(result.stdout()).containsPattern("Max cpu time\\s+30\\s+30")
                .containsPattern("Max file size\\s+16777216\\s+16777216")
                .containsPattern("Max address space\\s+536870912\\s+536870912");
        // Unconfined, the kernel would count Quarry's own threads against it.
        assertThat(Pattern.compile("Max processes\\s+64\\s+64").matcher(result.stdout()).find()).isEqualTo(confined);
    }

    @ParameterizedTest(name = "confined={0}")
    @ValueSource(booleans = {false, true})
    void aBigAllocationFailsUnderTheMemoryLimit(boolean confined) {
        assumeTrue(Prlimit.find().isPresent(), "no prlimit on this machine");
        LocalExecutor executor = executor(confined, false, new LocalLimits(64, 30, 64, 16));
        Result result = run(executor, "bash", "-c", "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo ${#x}");
        assertThat(result.exit().exitCode()).isNotZero();
        assertThat(result.stdout()).doesNotContain("200000000");
    }

    @Test
    void aProcessIdIsUsedOnce() {
        LocalExecutor executor = executor(false);
        ProcessSpec spec = spec(executor, "true");
        executor.start(spec, new Sink()).await(WAIT);
        assertThatThrownBy(() -> executor.start(spec, new Sink())).isInstanceOf(ExecutorException.Refused.class).hasMessageContaining("already used");
    }

    @Test
    void writeIsRefusedWithoutStdin() {
        LocalExecutor executor = executor(false);
        RunningProcess process = executor.start(spec(executor, "true"), new Sink());
        assertThatThrownBy(() -> process.write(new byte[] {1})).isInstanceOf(ExecutorException.Refused.class);
        assertThat(process.await(WAIT).exitCode()).isZero();
    }

    @Test
    void aCommandInAMissingFolderIsRefused() {
        LocalExecutor executor = executor(false);
        ProcessSpec spec = new ProcessSpec(nextId(), List.of("true"), executor.workspace() + "/missing", Map.of(), false);
        assertThatThrownBy(() -> executor.start(spec, new Sink()))
                .isInstanceOf(ExecutorException.Refused.class).hasMessageContaining("cannot start");
        ProcessSpec relative = new ProcessSpec(nextId(), List.of("true"), "sub", Map.of(), false);
        assertThatThrownBy(() -> executor.start(relative, new Sink()))
                .isInstanceOf(ExecutorException.Refused.class).hasMessageContaining("not absolute");
    }

    @Test
    void closeEndsWhatItStartedAndRefusesMore() {
        LocalExecutor executor = executor(false);
        RunningProcess done = executor.start(spec(executor, "true"), new Sink());
        assertThat(done.await(WAIT)).isNotNull();
        RunningProcess process = executor.start(spec(executor, "sleep", "100"), new Sink());
        executor.close();
        assertThatThrownBy(() -> process.await(WAIT)).isInstanceOf(ExecutorException.Disconnected.class);
        assertThat(done.await(WAIT).exitCode()).as("one that had exited still says how").isZero();
        assertThatThrownBy(() -> executor.start(spec(executor, "true"), new Sink())).isInstanceOf(ExecutorException.Disconnected.class);
        assertThatThrownBy(() -> executor.metadata(executor.workspace().toString())).isInstanceOf(ExecutorException.Disconnected.class);
    }

    // ---- only the sandbox

    @Test
    void noNetworkInsideTheSandbox() throws IOException {
        assumeTrue(BWRAP.available(), BWRAP.reason());
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String connect = "exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort();
            assertThat(run(executor(false), "bash", "-c", connect).exit().exitCode()).as("unconfined reaches it").isZero();
            assertThat(run(executor(true, true, LocalLimits.DEFAULT), "bash", "-c", connect).exit().exitCode()).as("network enabled").isZero();
            Result confined = run(executor(true), "bash", "-c", connect);
            assertThat(confined.exit().exitCode()).isNotZero();
            assertThat(confined.stderr()).contains("Connection refused");
        }
    }

    @Test
    void aLibraryPlantedInTheWorkspaceIsNotPreloadedIntoTheSandboxItself() throws Exception {
        assumeTrue(BWRAP.available(), BWRAP.reason());
        LocalExecutor executor = executor(true);
        Path escaped = dataDir.resolve("escaped.txt");
        // What a command in the sandbox can leave in the workspace: a library that writes where only the host can.
        Path source = Files.writeString(executor.workspace().resolve("evil.c"), "#include <stdio.h>\n"
                + "__attribute__((constructor)) static void run(void) { FILE *f = fopen(\"" + escaped + "\", \"w\"); if (f) fclose(f); }\n");
        Process gcc = new ProcessBuilder("gcc", "-shared", "-fPIC", "-o", executor.workspace() + "/evil.so", source.toString()).inheritIO().start();
        assumeTrue(gcc.waitFor() == 0, "no C compiler");

        ProcessSpec spec = new ProcessSpec(nextId(), List.of("true"), executor.workspace().toString(),
                Map.of("LD_PRELOAD", executor.workspace() + "/evil.so"), false);
        try {
            executor.start(spec, new Sink()).await(WAIT);
        } catch (ExecutorException.Refused refused) {
            assertThat(refused).hasMessageContaining("LD_PRELOAD");
        }

        assertThat(escaped).as("the library ran outside the sandbox").doesNotExist();
    }

    @Test
    void theSystemIsReadOnlyAndTmpIsPrivateInsideTheSandbox() throws IOException {
        assumeTrue(BWRAP.available(), BWRAP.reason());
        Files.writeString(dataDir.resolve("secret.txt"), "not for commands");
        LocalExecutor executor = executor(true);
        String name = "quarry-sandbox-" + nextId();
        for (String folder : List.of("/usr", "/etc")) {
            Result write = run(executor, "touch", folder + "/" + name);
            assertThat(write.exit().exitCode()).as(folder).isNotZero();
            assertThat(write.stderr()).contains("Read-only file system");
            assertThat(Path.of(folder, name)).doesNotExist();
        }
        assertThat(run(executor, "touch", "/tmp/" + name).exit().exitCode()).isZero();
        assertThat(Path.of("/tmp", name)).doesNotExist();
        assertThat(run(executor, "ls", dataDir.toString()).stdout().strip()).as("the data folder shows only the workspaces").isEqualTo("agents");
    }

    @Test
    void theProcessLimitStopsForkingForAUserOtherThanRoot() {
        assumeTrue(BWRAP.available(), BWRAP.reason());
        assumeTrue(Prlimit.find().isPresent(), "no prlimit on this machine");
        assumeTrue(!"root".equals(System.getProperty("user.name")), "the kernel does not hold root to RLIMIT_NPROC");
        // sh, not bash: bash retries a refused fork for seconds before it gives up
        String forks = "for i in 1 2 3 4 5 6 7 8; do sleep 1 & done; wait";
        assertThat(run(executor(true, false, new LocalLimits(512, 30, 64, 16)), "sh", "-c", forks).exit().exitCode()).isZero();
        Result limited = run(executor(true, false, new LocalLimits(512, 30, 4, 16)), "sh", "-c", forks);
        assertThat(limited.exit().exitCode()).isNotZero();
        assertThat(limited.stderr()).contains("fork");
    }

    // ---- files

    @Test
    void theWorkspaceIsCreatedForTheOwnerOnly() throws IOException {
        LocalExecutor executor = executor(false);
        assertThat(executor.workspace()).isEqualTo(dataDir.toRealPath().resolve("agents/workspaces/sess_test"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(executor.workspace()))).isEqualTo("rwx------");
        assertThat(executor.info()).isEqualTo(new ExecutorInfo("quarry-local", "bash", executor.workspace().toString()));
        assertThatThrownBy(() -> LocalExecutor.forSession(dataDir, "../escape", quarryLocal(false, LocalLimits.DEFAULT), new CommandSandbox.Unconfined()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void filesAreWrittenReadListedAndDescribed() {
        LocalExecutor executor = executor(false);
        String ws = executor.workspace().toString();
        executor.createDirectories(ws + "/a/b");
        executor.writeFile(ws + "/a/b/f.txt", "hello".getBytes(StandardCharsets.UTF_8));
        executor.writeFile(ws + "/a/b/f.txt", "bye".getBytes(StandardCharsets.UTF_8));
        assertThat(executor.readFile(ws + "/a/b/f.txt", 3)).asString().isEqualTo("bye");
        assertThatThrownBy(() -> executor.readFile(ws + "/a/b/f.txt", 2)).isInstanceOf(ExecutorException.Refused.class).hasMessageContaining("larger than 2");
        assertThatThrownBy(() -> executor.readFile(ws + "/a/none", 10)).isInstanceOf(ExecutorException.Refused.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> executor.writeFile(ws + "/no/such/f", new byte[0])).isInstanceOf(ExecutorException.Refused.class);

        executor.writeFile(ws + "/a/top.txt", new byte[7]);
        assertThat(executor.readDirectory(ws + "/a")).containsExactlyInAnyOrder(new FileEntry("b", true, false, executor.metadata(ws + "/a/b").size()), new FileEntry("top.txt", false, false, 7));
        assertThat(executor.metadata(ws + "/a/top.txt")).isEqualTo(new FileEntry("top.txt", false, false, 7));
        assertThat(executor.metadata(ws + "/a/b").directory()).isTrue();
        assertThat(executor.metadata(ws + "/a/missing")).isNull();
        assertThat(executor.metadata(ws + "/missing/deeper")).isNull();
        assertThatThrownBy(() -> executor.readFile(ws + "/a", 10)).isInstanceOf(ExecutorException.Refused.class).hasMessageContaining("is a folder");
    }

    @Test
    void aNamedPipeIsNeitherReadNorWritten() {
        LocalExecutor executor = executor(false);
        String fifo = executor.workspace() + "/pipe";
        assertThat(run(executor, "mkfifo", fifo).exit().exitCode()).isZero();
        assertThatThrownBy(() -> executor.readFile(fifo, 10)).isInstanceOf(ExecutorException.Refused.class).hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> executor.writeFile(fifo, new byte[1])).isInstanceOf(ExecutorException.Refused.class).hasMessageContaining("not a regular file");
    }

    @Test
    void aWorkspaceOverItsDiskLimitRefusesCommandsAndWritesUntilFilesAreRemoved() {
        LocalExecutor executor = executor(false, false, new LocalLimits(512, 30, 64, 1));
        String ws = executor.workspace().toString();
        executor.writeFile(ws + "/a", new byte[600_000]);
        executor.writeFile(ws + "/b", new byte[600_000]);
        assertThatThrownBy(() -> executor.writeFile(ws + "/c", new byte[1])).isInstanceOf(ExecutorException.Refused.class).hasMessageContaining("limit of 1 MiB");
        assertThatThrownBy(() -> executor.start(spec(executor, "true"), new Sink())).isInstanceOf(ExecutorException.Refused.class).hasMessageContaining("limit of 1 MiB");
        executor.remove(ws + "/b");
        assertThat(run(executor, "true").exit().exitCode()).isZero();
    }

    @Test
    void symlinksAreDescribedAndCanonicalized() throws IOException {
        LocalExecutor executor = executor(false);
        Path ws = executor.workspace();
        Files.createDirectories(ws.resolve("real/dir"));
        Files.createSymbolicLink(ws.resolve("link"), ws.resolve("real"));
        assertThat(executor.canonicalize(ws + "/link/dir/../dir")).isEqualTo(ws.resolve("real/dir").toString());
        assertThat(executor.canonicalize(ws + "/link")).isEqualTo(ws.resolve("real").toString());
        FileEntry link = executor.metadata(ws + "/link");
        assertThat(link.symlink()).isTrue();
        assertThat(link.directory()).isTrue();
        assertThatThrownBy(() -> executor.canonicalize(ws + "/nothing")).isInstanceOf(ExecutorException.Refused.class);
    }

    @Test
    void pathsOutsideTheWorkspaceAreRefused() throws IOException {
        LocalExecutor executor = executor(false);
        Path ws = executor.workspace();
        Path outside = Files.writeString(dataDir.resolve("secret.txt"), "not yours");
        Files.createSymbolicLink(ws.resolve("out"), outside);
        Files.createSymbolicLink(ws.resolve("up"), dataDir);
        for (String path : List.of(outside.toString(), ws + "/out", ws + "/up/secret.txt", ws + "/../../../secret.txt")) {
            assertThatThrownBy(() -> executor.readFile(path, 100)).as(path).isInstanceOf(ExecutorException.Refused.class).hasMessageContaining("outside the workspace");
        }
        assertThatThrownBy(() -> executor.writeFile(ws + "/out", new byte[1])).isInstanceOf(ExecutorException.Refused.class).hasMessageContaining("outside the workspace");
        assertThatThrownBy(() -> executor.createDirectories(ws + "/up/made")).isInstanceOf(ExecutorException.Refused.class).hasMessageContaining("outside the workspace");
        assertThatThrownBy(() -> executor.readDirectory(ws + "/up")).isInstanceOf(ExecutorException.Refused.class).hasMessageContaining("outside the workspace");
        assertThatThrownBy(() -> executor.remove(ws + "/up/secret.txt")).isInstanceOf(ExecutorException.Refused.class).hasMessageContaining("outside the workspace");
        assertThatThrownBy(() -> executor.readFile("relative.txt", 10)).isInstanceOf(ExecutorException.Refused.class).hasMessageContaining("not absolute");
        assertThat(Files.readString(outside)).isEqualTo("not yours");
        assertThat(dataDir.resolve("made")).doesNotExist();
    }

    @Test
    void removeDeletesATreeButNotWhatItsLinksPointTo() throws IOException {
        LocalExecutor executor = executor(false);
        Path ws = executor.workspace();
        Path outsideFolder = Files.createDirectories(dataDir.resolve("keep"));
        Files.writeString(outsideFolder.resolve("kept.txt"), "kept");
        Files.createDirectories(ws.resolve("tree/inner"));
        Files.writeString(ws.resolve("tree/inner/f"), "x");
        Files.createSymbolicLink(ws.resolve("tree/inner/link"), outsideFolder);
        Files.createSymbolicLink(ws.resolve("toplink"), outsideFolder);

        executor.remove(ws + "/tree");
        executor.remove(ws + "/toplink");
        assertThat(ws.resolve("tree")).doesNotExist();
        assertThat(ws.resolve("toplink")).doesNotExist();
        assertThat(outsideFolder.resolve("kept.txt")).hasContent("kept");
        assertThatThrownBy(() -> executor.remove(ws.toString())).isInstanceOf(ExecutorException.Refused.class).hasMessageContaining("workspace itself");
        assertThatThrownBy(() -> executor.remove(ws + "/tree")).isInstanceOf(ExecutorException.Refused.class).hasMessageContaining("does not exist");
    }

    // ---- helpers

    private LocalExecutor executor(boolean confined) {
        return executor(confined, false, LocalLimits.DEFAULT);
    }

    private LocalExecutor executor(boolean confined, boolean network, LocalLimits limits) {
        if (confined) assumeTrue(BWRAP.available(), BWRAP.reason());
        CommandSandbox sandbox = confined ? Bubblewrap.onPath() : new CommandSandbox.Unconfined();
        LocalExecutor executor = LocalExecutor.forSession(dataDir, "sess_test", quarryLocal(network, limits), sandbox);
        executors.add(executor);
        return executor;
    }

    private static QuarryLocal quarryLocal(boolean network, LocalLimits limits) {
        return new QuarryLocal(network, limits, List.of());
    }

    private static ProcessSpec spec(LocalExecutor executor, String... argv) {
        return new ProcessSpec(nextId(), List.of(argv), executor.workspace().toString(), Map.of(), false);
    }

    private static String nextId() {
        return "proc_" + IDS.incrementAndGet();
    }

    private static Result run(LocalExecutor executor, String... argv) {
        Sink sink = new Sink();
        ProcessExit exit = executor.start(spec(executor, argv), sink).await(WAIT);
        assertThat(exit).as("finished within %s", WAIT).isNotNull();
        return new Result(exit, sink.stdout(), sink.stderr());
    }

    private static boolean isSleep(ProcessHandle process, String marker) {
        return process.info().command().orElse("").endsWith("/sleep")
                && Set.of(process.info().arguments().orElse(new String[0])).contains(marker);
    }

    private static void waitFor(BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within %s", WAIT).isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private record Result(ProcessExit exit, String stdout, String stderr) {}

    private static final class Sink implements OutputSink {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();

        @Override
        public synchronized void output(boolean stderr, byte[] chunk) {
            (stderr ? err : out).writeBytes(chunk);
        }

        synchronized String stdout() {
            return out.toString(StandardCharsets.UTF_8);
        }

        synchronized String stderr() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }
}
