package dev.quarry.agents.environment;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * bubblewrap ({@code bwrap}), the sandbox {@code quarry_local} commands run in: whether it works on
 * this machine ({@link #probe}), and the command line that confines one command (design section 8).
 *
 * <p>Inside, a command sees {@code /usr} and {@code /etc} read-only, its own {@code /proc}, {@code /dev}
 * and a small {@code /tmp}, and the workspace read-write at the same absolute path as on the host, so
 * a path means the same to the file tools (which run in Quarry) and to the command. No network unless
 * asked for, and fresh IPC, PID, UTS, cgroup and (where allowed) user namespaces.
 */
public final class Bubblewrap implements CommandSandbox {
    /**
     * What {@link #probe} found.
     *
     * @param version {@code bwrap --version}'s answer, {@code null} when it gave none
     * @param reason  why it cannot be used, {@code null} when it can
     */
    public record Probe(boolean available, String version, String reason) {}

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
    private static final int REASON_CHARS = 1000;
    // The top-level folders that are symlinks into /usr on merged-/usr systems (and real folders elsewhere).
    private static final List<String> SYSTEM_FOLDERS = List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32");

    private final String binary;

    /** @param binary the {@code bwrap} program: a path, or a name looked up on {@code PATH} */
    public Bubblewrap(String binary) {
        this.binary = Objects.requireNonNull(binary, "binary");
    }

    /** The {@code bwrap} on {@code PATH}. */
    public static Bubblewrap onPath() {
        return new Bubblewrap("bwrap");
    }

    /**
     * Whether bwrap is installed and can build a sandbox here: {@code bwrap --version}, then a trial run
     * of {@code true} with the same namespaces and mounts commands get — the mounts matter, because
     * some container runtimes allow user namespaces yet refuse to mount a new {@code /proc}.
     */
    public Probe probe() {
        Outcome version = run(List.of(binary, "--version"));
        if (version.failure() != null) return new Probe(false, null, "bwrap is not installed or cannot run (" + binary + "): " + version.failure());
        if (version.exitCode() != 0) return new Probe(false, null, "'" + binary + " --version' exited " + version.exitCode() + ": " + version.output());
        List<String> trial = new ArrayList<>(List.of(binary, "--ro-bind", "/", "/"));
        trial.addAll(isolation(false, 1 << 20));
        trial.add("true");
        Outcome sandbox = run(trial);
        if (sandbox.failure() == null && sandbox.exitCode() == 0) return new Probe(true, version.output(), null);
        String why = sandbox.failure() != null ? sandbox.failure() : "exit " + sandbox.exitCode() + ": " + sandbox.output();
        return new Probe(false, version.output(), "bwrap cannot create a sandbox here (user namespaces refused, e.g. by "
                + "kernel.unprivileged_userns_clone=0, an AppArmor userns restriction or a container's seccomp profile): " + why);
    }

    @Override
    public List<String> wrap(Path workspace, String cwd, boolean network, long tmpBytes, List<String> command) {
        List<String> line = new ArrayList<>(List.of(binary, "--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"));
        line.addAll(systemFolders());
        line.addAll(isolation(network, tmpBytes));
        if (network) line.addAll(List.of("--ro-bind-try", "/run/systemd/resolve", "/run/systemd/resolve"));
        String ws = workspace.toString();
        // Last, so the workspace is mounted over whatever /tmp or /usr mount lies on its way.
        line.addAll(List.of("--bind", ws, ws, "--chdir", cwd, "--"));
        line.addAll(command);
        return line;
    }

    @Override
    public boolean confined() {
        return true;
    }

    @Override
    public boolean countsOwnProcesses() {
        return true;
    }

    // The environment is not cleared here (--clearenv) but by the caller handing bwrap exactly the
    // command's environment: --setenv would put the values on bwrap's command line, which every user
    // of the host can read in /proc.
    private static List<String> isolation(boolean network, long tmpBytes) {
        List<String> args = new ArrayList<>(List.of("--die-with-parent", "--new-session", "--unshare-all"));
        if (network) args.add("--share-net");
        args.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--size", Long.toString(tmpBytes), "--tmpfs", "/tmp"));
        return args;
    }

    private static List<String> systemFolders() {
        List<String> args = new ArrayList<>();
        for (String folder : SYSTEM_FOLDERS) {
            Path path = Path.of(folder);
            try {
                if (Files.isSymbolicLink(path)) args.addAll(List.of("--symlink", Files.readSymbolicLink(path).toString(), folder));
                else if (Files.isDirectory(path)) args.addAll(List.of("--ro-bind", folder, folder));
            } catch (IOException e) {
                throw new ExecutorException.Refused("cannot read the system folder " + folder + ": " + e.getMessage());
            }
        }
        return args;
    }

    /** A probe step: how it exited and what it printed, or why it could not run ({@code failure}). */
    private record Outcome(int exitCode, String output, String failure) {}

    private static Outcome run(List<String> command) {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
        } catch (IOException e) {
            return new Outcome(-1, "", String.valueOf(e.getMessage()).strip());
        }
        AtomicReference<String> output = new AtomicReference<>("");
        Thread reader = Thread.ofVirtual().start(() -> {
            try (InputStream in = process.getInputStream()) {
                output.set(new String(in.readNBytes(REASON_CHARS), StandardCharsets.UTF_8).strip());
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // the process was killed at the timeout; what it printed so far is kept
            }
        });
        try {
            if (!process.waitFor(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new Outcome(-1, "", "no answer within " + PROBE_TIMEOUT.toSeconds() + " s");
            }
            reader.join(PROBE_TIMEOUT);
            return new Outcome(process.exitValue(), output.get(), null);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Outcome(-1, "", "interrupted");
        }
    }
}
