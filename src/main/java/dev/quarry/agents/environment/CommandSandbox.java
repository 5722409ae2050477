package dev.quarry.agents.environment;

import java.nio.file.Path;
import java.util.List;

/** What a {@code quarry_local} command runs inside: {@link Bubblewrap}, or nothing (operator opt-in). */
public sealed interface CommandSandbox permits Bubblewrap, CommandSandbox.Unconfined {
    /**
     * The command line that runs {@code command} in {@code cwd}, confined to {@code workspace}.
     *
     * @param tmpBytes how large the command's own {@code /tmp} may grow, where the sandbox gives it one
     */
    List<String> wrap(Path workspace, String cwd, boolean network, long tmpBytes, List<String> command);

    /** Whether commands are confined at all (shown to clients as the environment's {@code confined}). */
    boolean confined();

    /**
     * Whether a command's processes are counted apart from the rest of its user's (it has a user
     * namespace of its own), which a process limit needs to mean "this command's processes".
     */
    boolean countsOwnProcesses();

    /**
     * No sandbox ({@code allow_unconfined}): the command runs as Quarry's own user and sees what it sees,
     * network included; only the resource limits apply, and not the process limit (see {@link #countsOwnProcesses}).
     */
    record Unconfined() implements CommandSandbox {
        @Override
        public List<String> wrap(Path workspace, String cwd, boolean network, long tmpBytes, List<String> command) {
            return command;
        }

        @Override
        public boolean confined() {
            return false;
        }

        /** It runs as Quarry's user, whose every thread the kernel counts as a process. */
        @Override
        public boolean countsOwnProcesses() {
            return false;
        }
    }
}
