package dev.quarry.agents.environment;

import dev.quarry.agents.model.EnvironmentSpec.LocalLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * util-linux {@code prlimit}, which puts {@link LocalLimits} on a command as resource limits (address
 * space, CPU seconds, processes, file size) before it runs it. The limits hold for the command and
 * everything it starts. The kernel counts processes per user (per user namespace) and exempts root
 * from that limit altogether.
 */
public record Prlimit(Path binary) {
    private static final long MIB = 1024L * 1024;
    // Only where the bwrap sandbox also sees it (/usr and the /bin link into it).
    private static final List<Path> PLACES = List.of(Path.of("/usr/bin/prlimit"), Path.of("/bin/prlimit"));

    public Prlimit {
        Objects.requireNonNull(binary, "binary");
    }

    /** The system's {@code prlimit}, if it has one. */
    public static Optional<Prlimit> find() {
        return PLACES.stream().filter(Files::isExecutable).findFirst().map(Prlimit::new);
    }

    /**
     * {@code command} run under {@code limits}.
     *
     * @param limitProcesses whether to set the process limit: only where the command's processes are
     *                       counted on their own ({@link CommandSandbox#countsOwnProcesses}); else the
     *                       count includes every thread of Quarry's, and the command might not fork at all
     */
    public List<String> wrap(LocalLimits limits, boolean limitProcesses, List<String> command) {
        List<String> line = new ArrayList<>(List.of(
                binary.toString(),
                "--as=" + limits.memoryMb() * MIB,
                "--cpu=" + limits.cpuSeconds(),
                "--fsize=" + limits.diskMb() * MIB));
        if (limitProcesses) line.add("--nproc=" + limits.processes());
        line.add("--");
        line.addAll(command);
        return line;
    }
}
