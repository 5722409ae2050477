package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.testing.QuarryCli;
import dev.quarry.testing.QuarryProcess;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new operator gets wrong at start-up is refused in one line naming what and what to do,
 * with exit code 1 (2 for a bad command-line option), no stack trace, and nothing left running
 * or opened: the checks run before the store is opened.
 */
class StartupRefusalsTest {
    /** Generous: the refusal itself takes well under a second, a loaded CI machine does not. */
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aPortInUseIsOneLineAndExitCodeOne() throws Exception {
        Path data = dir.resolve("data");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            QuarryProcess.Ended ended = QuarryProcess.serveUntilItEnds(dir, EXIT_WITHIN, "--data", data.toString(), "--port", Integer.toString(port));

            assertThat(ended.code()).isEqualTo(1);
            assertThat(ended.output()).isEqualTo("quarry: port " + port + " on 127.0.0.1 is already in use; stop the other "
                    + "process or choose another with --port\n");
        }
        assertThat(data).as("refused before the data folder is created and the store opened").doesNotExist();
    }

    @Test
    void aReadOnlyDataFolderIsOneLineAndExitCodeOne() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Assumptions.assumeFalse(Files.isWritable(data),
                    "running as root, which may write to a folder without write permission: nothing to refuse");
            QuarryProcess.Ended ended = QuarryProcess.serveUntilItEnds(dir, EXIT_WITHIN, "--data", data.toString(), "--port", "0");

            assertThat(ended.code()).isEqualTo(1);
            assertThat(ended.output()).startsWith("quarry: the data folder " + data.toAbsolutePath() + " is not writable (permission denied)")
                    .hasLineCount(1).doesNotContain("SQLITE", "Exception");
        } finally {
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /**
     * The same refusal where even root cannot write: sysfs takes no new files (and a container
     * mounts it read-only), so this runs whoever runs the tests.
     */
    @Test
    void aFolderNoOneCanWriteIsOneLineAndExitCodeOneEvenForRoot() throws Exception {
        Path sysfs = Path.of("/sys/kernel");
        Assumptions.assumeTrue(Files.isDirectory(sysfs), "no sysfs on this machine (not Linux)");
        QuarryProcess.Ended ended = QuarryProcess.serveUntilItEnds(dir, EXIT_WITHIN, "--data", sysfs.toString(), "--port", "0");

        assertThat(ended.code()).isEqualTo(1);
        assertThat(ended.output()).startsWith("quarry: the data folder /sys/kernel is not writable (")
                .endsWith("); Quarry keeps its store and keys there: make it writable, or choose another with --data\n")
                .hasLineCount(1).doesNotContain("Exception", "SQLITE");
    }

    @Test
    void aDataFolderThatCannotBeCreatedIsOneLineAndExitCodeOne() throws Exception {
        // A file where a parent folder should be: not even root can create the folder.
        Path file = Files.writeString(dir.resolve("a-file"), "");
        Path data = file.resolve("data");
        QuarryProcess.Ended ended = QuarryProcess.serveUntilItEnds(dir, EXIT_WITHIN, "--data", data.toString(), "--port", "0");

        assertThat(ended.code()).isEqualTo(1);
        assertThat(ended.output()).isEqualTo("quarry: cannot create the data folder " + data.toAbsolutePath() + " (" + file.toAbsolutePath()
                + " is a file, not a folder); create it, or choose another with --data\n");
    }

    @Test
    void configurationAndStoreMistakesAreOneLineEach() throws Exception {
        String data = dir.resolve("data").toString();
        Path missing = dir.resolve("missing.yaml");
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "models: [\n");
        Path wrongType = Files.writeString(dir.resolve("wrong.yaml"), "server: { port: eighty }\n");

        assertRefused(1, "quarry: cannot read the configuration file " + missing + ": no such file",
                "serve", "--config", missing.toString(), "--data", data);
        assertRefused(1, "quarry: cannot read the configuration file " + dir + ": Is a directory",
                "serve", "--config", dir.toString(), "--data", data);
        assertRefused(1, "quarry: " + broken + " is not valid YAML at line 2, column 1: expected the node content, but found '<stream end>'",
                "serve", "--config", broken.toString(), "--data", data);
        assertRefused(1, "quarry: " + wrongType + ": server.port must be a whole number, at least 0",
                "serve", "--config", wrongType.toString(), "--data", data);
        Path unreachable = Files.writeString(dir.resolve("pg.yaml"), "store: { url: \"jdbc:postgresql://127.0.0.1:%d/quarry\" }\n"
                .formatted(QuarryProcess.freePort()));
        QuarryCli.Output output = QuarryCli.run("serve", "--config", unreachable.toString(), "--data", data, "--port", "0");
        assertThat(output.code()).isEqualTo(1);
        assertThat(output.stderr()).startsWith("quarry: cannot open the store at jdbc:postgresql://127.0.0.1:")
                .contains("refused").hasLineCount(1);
        assertRefused(2, "quarry: Invalid value for option '--port': 'abc' is not an int (see 'quarry serve --help')",
                "serve", "--data", data, "--port", "abc");
        assertRefused(2, "quarry: --port must be between 0 and 65535, not 70000 (see 'quarry serve --help')",
                "serve", "--data", data, "--port", "70000");
    }

    private static void assertRefused(int code, String line, String... args) {
        QuarryCli.Output output = QuarryCli.run(args);
        assertThat(output.code()).as(String.join(" ", args)).isEqualTo(code);
        assertThat(output.stderr()).as(String.join(" ", args)).isEqualTo(line + "\n");
        assertThat(output.stdout()).isEmpty();
    }
}
