package dev.quarry.agents.environment;

import dev.quarry.agents.model.EnvironmentSpec.LocalLimits;
import dev.quarry.agents.model.EnvironmentSpec.QuarryLocal;
import dev.quarry.agents.model.Ids;
import java.io.File;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code quarry_local} executor: one session's workspace folder on this node, commands run with
 * {@link ProcessBuilder} inside a {@link CommandSandbox} under {@link Prlimit} limits, files read and
 * written by Quarry itself ({@link WorkspaceFiles}). The workspace has the same absolute path for
 * both, so a path a command prints is one the file calls accept.
 *
 * <p>The workspace as a whole may hold {@link LocalLimits#diskMb}: once it holds more, commands and
 * writes are refused until files are removed.
 *
 * <p>A command gets only {@code PATH}, {@code HOME} (the workspace) and {@code LANG}, plus its spec's
 * environment: nothing of Quarry's own environment reaches it.
 */
public final class LocalExecutor implements Executor {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final long MIB = 1024L * 1024;
    /**
     * Variables the dynamic loader or the C library act on (glibc's list of those it ignores for setuid programs,
     * TMPDIR aside, and every {@code LD_} one). bwrap and prlimit start on the host with the command's environment,
     * before any sandbox exists: {@code LD_PRELOAD} naming a library a command left in the workspace would run it there.
     */
    private static final Set<String> LOADER_VARIABLES = Set.of("GCONV_PATH", "GETCONF_DIR", "GLIBC_TUNABLES", "HOSTALIASES", "LOCALDOMAIN",
            "LOCPATH", "MALLOC_TRACE", "NIS_PATH", "NLSPATH", "RESOLV_HOST_CONF", "RES_OPTIONS", "TZDIR");

    private final Path workspace;
    private final QuarryLocal spec;
    private final CommandSandbox sandbox;
    private final Optional<Prlimit> prlimit;
    private final WorkspaceFiles files;
    private final Set<String> processIds = ConcurrentHashMap.newKeySet();
    private final Map<String, LocalProcess> processes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    LocalExecutor(Path workspace, QuarryLocal spec, CommandSandbox sandbox, Optional<Prlimit> prlimit) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
        this.prlimit = Objects.requireNonNull(prlimit, "prlimit");
        requirePositive(spec.limits());
        try {
            this.workspace = workspace.toRealPath();
        } catch (IOException e) {
            throw new ExecutorException.Refused("the workspace " + workspace + " cannot be used: " + e.getMessage());
        }
        this.files = new WorkspaceFiles(this.workspace);
    }

    /**
     * The executor of a session, with its workspace {@code <dataDir>/agents/workspaces/<sessionId>}
     * created (owner-only, mode 0700) if it is not there yet, and the system's {@code prlimit} if any.
     */
    public static LocalExecutor forSession(Path dataDir, String sessionId, QuarryLocal spec, CommandSandbox sandbox) {
        if (!Ids.wellFormed(sessionId)) throw new IllegalArgumentException("not a session id: '" + sessionId + "'");
        Path workspace = dataDir.resolve("agents").resolve("workspaces").resolve(sessionId);
        try {
            Files.createDirectories(workspace.getParent());
            try {
                Files.createDirectory(workspace, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(workspace, LinkOption.NOFOLLOW_LINKS)) {
                    throw new ExecutorException.Refused("the workspace " + workspace + " exists and is not a folder");
                }
            }
            Files.setPosixFilePermissions(workspace, OWNER_ONLY); // the umask may have taken some away; an old one may have more
        } catch (IOException e) {
            throw new ExecutorException.Refused("the workspace " + workspace + " cannot be created: " + e.getMessage());
        }
        return new LocalExecutor(workspace, spec, sandbox, Prlimit.find());
    }

    /** The workspace folder (a real path). */
    public Path workspace() {
        return workspace;
    }

    /** Whether commands run in a sandbox (else only the limits hold). */
    public boolean confined() {
        return sandbox.confined();
    }

    /** Whether the resource limits are applied ({@code prlimit} was found). */
    public boolean limited() {
        return prlimit.isPresent();
    }

    @Override
    public ExecutorInfo info() {
        return new ExecutorInfo("quarry-local", "bash", workspace.toString());
    }

    @Override
    public RunningProcess start(ProcessSpec process, OutputSink sink) {
        Objects.requireNonNull(sink, "sink");
        requireOpen();
        if (!Path.of(process.cwd()).isAbsolute()) throw new ExecutorException.Refused("the folder '" + process.cwd() + "' is not absolute");
        for (String name : process.env().keySet()) {
            if (name.startsWith("LD_") || LOADER_VARIABLES.contains(name)) {
                throw new ExecutorException.Refused("the environment variable '" + name + "' is not given to a quarry_local process: "
                        + "the loader would act on it on the host, outside the sandbox");
            }
        }
        requireRoom();
        if (!processIds.add(process.processId())) throw new ExecutorException.Refused("process id '" + process.processId() + "' is already used");
        ProcessBuilder builder = new ProcessBuilder(command(process))
                // bwrap changes into the command's folder itself, which may exist only in the sandbox.
                .directory(sandbox.confined() ? workspace.toFile() : new File(process.cwd()))
                .redirectInput(process.pipeStdin() ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.putAll(Map.of("PATH", "/usr/local/bin:/usr/bin:/bin", "HOME", workspace.toString(), "LANG", "C.UTF-8"));
        environment.putAll(process.env());
        LocalProcess started;
        try {
            started = new LocalProcess(process.processId(), builder.start(), process.pipeStdin(), sink);
        } catch (IOException e) {
            throw new ExecutorException.Refused("process " + process.processId() + " cannot start: " + e.getMessage());
        }
        processes.put(process.processId(), started);
        if (closed) started.disconnect(); // close() ran while it started and did not see it
        return started;
    }

    @Override
    public byte[] readFile(String path, int maxBytes) {
        requireOpen();
        if (maxBytes < 0) throw new IllegalArgumentException("maxBytes is negative");
        return files.readFile(path, maxBytes);
    }

    @Override
    public void writeFile(String path, byte[] content) {
        requireOpen();
        requireRoom();
        files.writeFile(path, content);
    }

    @Override
    public void createDirectories(String path) {
        requireOpen();
        files.createDirectories(path);
    }

    @Override
    public List<FileEntry> readDirectory(String path) {
        requireOpen();
        return files.readDirectory(path);
    }

    @Override
    public FileEntry metadata(String path) {
        requireOpen();
        return files.metadata(path);
    }

    @Override
    public String canonicalize(String path) {
        requireOpen();
        return files.canonicalize(path);
    }

    @Override
    public void remove(String path) {
        requireOpen();
        files.remove(path);
    }

    /** Kills every process it started, with their children; the workspace stays (the session owns it). */
    @Override
    public void close() {
        closed = true;
        processes.values().forEach(LocalProcess::disconnect);
    }

    private List<String> command(ProcessSpec process) {
        LocalLimits limits = spec.limits();
        List<String> limited = prlimit.map(p -> p.wrap(limits, sandbox.countsOwnProcesses(), process.argv())).orElse(process.argv());
        return sandbox.wrap(workspace, process.cwd(), spec.network(), limits.diskMb() * MIB, limited);
    }

    private void requireOpen() {
        if (closed) throw new ExecutorException.Disconnected("the local executor is closed");
    }

    // The disk limit is per file for a command (--fsize); the workspace's total is checked before each
    // command and write instead, so one that goes over is not stopped but the next is refused.
    private void requireRoom() {
        long used = files.bytesUsed();
        long limit = spec.limits().diskMb() * MIB;
        if (used > limit) {
            throw new ExecutorException.Refused("the workspace uses " + used / MIB + " MiB, more than its limit of " + spec.limits().diskMb() + " MiB");
        }
    }

    private static void requirePositive(LocalLimits limits) {
        if (limits.memoryMb() <= 0 || limits.cpuSeconds() <= 0 || limits.processes() <= 0 || limits.diskMb() <= 0) {
            throw new IllegalArgumentException("every local limit must be positive: " + limits);
        }
    }
}
