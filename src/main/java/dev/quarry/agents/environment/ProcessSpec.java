package dev.quarry.agents.environment;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A process to start on an executor.
 *
 * @param processId unique within the executor connection: a second start with the same id is refused
 * @param argv      the program and its arguments
 * @param cwd       an absolute folder
 * @param env       the process's whole environment
 * @param pipeStdin whether {@link RunningProcess#write} may feed it input (else its stdin is empty)
 */
public record ProcessSpec(String processId, List<String> argv, String cwd, Map<String, String> env, boolean pipeStdin) {
    public ProcessSpec {
        Objects.requireNonNull(processId, "processId");
        Objects.requireNonNull(cwd, "cwd");
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        if (argv.isEmpty()) throw new IllegalArgumentException("argv is empty");
    }
}
