package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.testing.ExecServerProcess;
import dev.quarry.testing.NpmTools;
import dev.quarry.testing.QuarryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quarry is killed with SIGKILL while an agent's command runs on the real {@code codex exec-server}
 * (design section 6): after a restart on the same data the command's item fails as interrupted,
 * the command is not run again (its side effect happened once), and the turn finishes with the
 * model reading the failure.
 */
class ExecServerCrashTest {
    @TempDir
    Path dir;

    @Test
    void aCommandRunningWhenQuarryIsKilledFailsAsInterruptedAndIsNeverRunAgain() throws Exception {
        Assumptions.assumeTrue(NpmTools.npmAvailable(), "npm is not installed: the Codex exec-server cannot be installed");
        Path workspace = Files.createDirectories(dir.resolve("workspace"));
        Path marker = workspace.resolve("marker.txt");
        Path config = Files.writeString(dir.resolve("quarry.yaml"), """
                agents:
                  lease_seconds: 3
                  environments:
                    executor_hosts: ["127.0.0.1"]
                    connect_wait_seconds: 3
                """);
        int port = QuarryProcess.freePort();
        try (ExecServerProcess executor = ExecServerProcess.start(Files.createDirectories(dir.resolve("executor")))) {
            String id;
            try (QuarryProcess quarry = QuarryProcess.start(dir, config, port)) {
                EnvironmentSessions sessions = new EnvironmentSessions(quarry.baseUrl(), QuarryProcess.ADMIN_KEY);
                id = sessions.create(EnvironmentSessions.selfHosted(workspace, executor.url().toString(), executor.token()));
                sessions.say(id, "[[call shell {\"command\": \"echo ran >> marker.txt; sleep 20\"}]]");
                sessions.awaitSession(id, s -> Files.exists(marker));
                quarry.kill();
            }

            try (QuarryProcess restarted = QuarryProcess.start(dir, config, port)) {
                EnvironmentSessions sessions = new EnvironmentSessions(restarted.baseUrl(), QuarryProcess.ADMIN_KEY);
                sessions.awaitIdle(id);

                List<JsonNode> commands = sessions.items(id, "command_execution");
                assertThat(commands).hasSize(1);
                assertThat(commands.getFirst().path("status").asText()).isEqualTo("failed");
                assertThat(commands.getFirst().path("error").asText()).startsWith("interrupted").contains("was not run again");
                assertThat(sessions.turns(id)).extracting(t -> t.path("status").asText()).containsExactly("completed");
                assertThat(sessions.lastAnswer(id)).contains(" failed: ").contains("it was not run again");
                assertThat(Files.readAllLines(marker)).as("the command ran once").containsExactly("ran");
                assertThat(executor.log()).doesNotContain(executor.token());
            }
        }
    }
}
