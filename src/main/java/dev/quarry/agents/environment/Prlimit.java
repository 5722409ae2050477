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
 * everything it starts; the number of processes counts all of the user's processes and does not bind
 * root at all (the kernel exempts it).
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

    /** {@code command} run under {@code limits}. */
    public List<String> wrap(LocalLimits limits, List<String> command) {
        List<String> line = new ArrayList<>(List.of(
                binary.toString(),
                "--as=" + limits.memoryMb() * MIB,
                "--cpu=" + limits.cpuSeconds(),
                "--nproc=" + limits.processes(),
                "--fsize=" + limits.diskMb() * MIB,
                "--"));
        line.addAll(command);
        return line;
    }
}
