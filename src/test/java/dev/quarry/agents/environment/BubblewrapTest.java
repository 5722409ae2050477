package dev.quarry.agents.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whether bwrap can be used here, said with a reason when not; and the command line it confines with. */
class BubblewrapTest {
    @TempDir
    Path dir;

    @Test
    void aMissingBinaryIsUnavailableBecauseItIsNotInstalled() {
        Bubblewrap.Probe probe = new Bubblewrap("/nonexistent/bwrap").probe();
        assertThat(probe.available()).isFalse();
        assertThat(probe.version()).isNull();
        assertThat(probe.reason()).contains("not installed").contains("/nonexistent/bwrap");
    }

    @Test
    void aBinaryThatCannotBuildASandboxIsUnavailableWithWhatItSaid() throws IOException {
        Path fake = script("fake-bwrap", """
                #!/bin/sh
                if [ "$1" = --version ]; then echo "bubblewrap 9.9"; exit 0; fi
                echo "bwrap: No permissions to create new namespace" >&2
                exit 1
                """);
        Bubblewrap.Probe probe = new Bubblewrap(fake.toString()).probe();
        assertThat(probe.available()).isFalse();
        assertThat(probe.version()).isEqualTo("bubblewrap 9.9");
        assertThat(probe.reason()).contains("user namespaces").contains("exit 1").contains("No permissions to create new namespace");
    }

    @Test
    void aBinaryWhoseVersionFailsIsUnavailable() {
        Bubblewrap.Probe probe = new Bubblewrap("/bin/false").probe();
        assertThat(probe.available()).isFalse();
        assertThat(probe.reason()).contains("--version").contains("exited 1");
    }

    @Test
    void theInstalledBwrapSaysItsVersionAndAReasonExactlyWhenUnavailable() {
        assumeTrue(onPath("bwrap"), "bwrap is not installed here");
        Bubblewrap.Probe probe = Bubblewrap.onPath().probe();
        assertThat(probe.version()).startsWith("bubblewrap ");
        assertThat(probe.reason() == null).isEqualTo(probe.available());
    }

    @Test
    void theCommandHasNoNetworkUnlessAskedAndTheWorkspaceAtItsOwnPath() {
        Bubblewrap bwrap = new Bubblewrap("/usr/bin/bwrap");
        List<String> closed = bwrap.wrap(Path.of("/data/agents/workspaces/sess_1"), "/data/agents/workspaces/sess_1/src", false, 4096, List.of("bash", "-lc", "ls"));
        assertThat(closed.getFirst()).isEqualTo("/usr/bin/bwrap");
        assertThat(closed).contains("--unshare-all", "--die-with-parent", "--new-session").doesNotContain("--share-net", "--clearenv");
        assertThat(Collections.indexOfSubList(closed, List.of("--bind", "/data/agents/workspaces/sess_1", "/data/agents/workspaces/sess_1"))).isPositive();
        assertThat(Collections.indexOfSubList(closed, List.of("--size", "4096", "--tmpfs", "/tmp"))).isPositive();
        assertThat(Collections.indexOfSubList(closed, List.of("--chdir", "/data/agents/workspaces/sess_1/src", "--", "bash", "-lc", "ls")))
                .isEqualTo(closed.size() - 6);

        List<String> open = bwrap.wrap(Path.of("/w"), "/w", true, 4096, List.of("true"));
        assertThat(open.indexOf("--share-net")).isGreaterThan(open.indexOf("--unshare-all"));
    }

    private Path script(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    static boolean onPath(String program) {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, program))) return true;
        }
        return false;
    }
}
