package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.testing.ExecServerProcess;
import dev.quarry.testing.NpmTools;
import dev.quarry.testing.QuarryProcess;
import dev.quarry.testing.SseFollower;
import dev.quarry.testing.TestQuarry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session's executor goes away, or was never there (design section 7): a command the lost
 * executor was running fails as {@code executor_disconnected} and the turn goes on, the next turn
 * connects again to the executor restarted at the same address; with none listening the session
 * waits in {@code requires_action} for the connect wait, then the turn fails; a wrong token is
 * not waited on.
 */
class ExecutorLossTest {
    private static final String CONFIG = """
            agents:
              environments:
                executor_hosts: ["127.0.0.1"]
                connect_wait_seconds: 2
            """;

    @TempDir
    static Path dir;
    private static TestQuarry quarry;
    private static EnvironmentSessions sessions;
    private static final ExecutorService ASIDE = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(NpmTools.npmAvailable(), "npm is not installed: the Codex exec-server cannot be installed");
        quarry = TestQuarry.start(CONFIG, Map.of());
        sessions = new EnvironmentSessions(quarry.baseUrl(), quarry.newKey("executor-loss"));
    }

    @AfterAll
    static void stop() {
        if (quarry != null) quarry.close();
    }

    @Test
    void aCommandOfAKilledExecutorFailsTheTurnGoesOnAndTheNextTurnReconnectsToTheRestartedExecutor() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("loss-workspace"));
        ExecServerProcess executor = ExecServerProcess.start(Files.createDirectories(dir.resolve("loss-executor")));
        try {
            String id = sessions.create(EnvironmentSessions.selfHosted(workspace, executor.url().toString(), executor.token()));
            // Not on the common pool: with 2 CPUs it has one thread, which Quarry's WebSocket client needs too.
            CompletableFuture<List<SseFollower.Event>> turn = CompletableFuture.supplyAsync(
                    () -> sessions.turn(id, "[[call shell {\"command\": \"echo started; touch started; sleep 30\"}]]"), ASIDE);
            try {
                sessions.awaitSession(id, s -> Files.exists(workspace.resolve("started")));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nthe executor's log:\n" + executor.log(), e);
            }
            long killed = System.nanoTime();
            executor.kill();

            List<SseFollower.Event> events = turn.get(20, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - killed)).as("the loss is noticed, not waited out").isLessThan(Duration.ofSeconds(10));
            assertThat(events).extracting(SseFollower.Event::type)
                    .contains("agent.session.environment.connected", "agent.session.environment.disconnected", "agent.session.turn.completed");
            JsonNode command = sessions.items(id, "command_execution").getFirst();
            assertThat(command.path("status").asText()).isEqualTo("failed");
            assertThat(command.path("error").asText()).startsWith("executor_disconnected");
            assertThat(sessions.lastAnswer(id)).contains(" failed: ").contains("executor_disconnected");
            JsonNode environment = sessions.session(id).path("environment");
            assertThat(environment.path("status").asText()).isEqualTo("disconnected");
            assertThat(environment.path("error").path("code").asText()).isEqualTo("executor_disconnected");

            executor = executor.restart();
            List<SseFollower.Event> again = sessions.turn(id, "[[call shell {\"command\": \"echo back again\"}]]");

            assertThat(again).extracting(SseFollower.Event::type).contains("agent.session.environment.connected", "agent.session.turn.completed");
            JsonNode second = sessions.items(id, "command_execution").getLast();
            assertThat(second.path("status").asText()).isEqualTo("completed");
            // A login shell may add the machine's profile's complaints on stderr, before or after.
            assertThat(second.path("output").asText()).contains("back again\n");
            assertThat(sessions.lastAnswer(id)).contains("back again");
            assertThat(sessions.session(id).path("environment").path("status").asText()).isEqualTo("connected");
        } finally {
            executor.close();
        }
    }

    @Test
    void withNoExecutorListeningTheSessionWaitsForItThenTheTurnFailsAndTheEnvironmentIsFailed() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("nobody-workspace"));
        String nobody = "ws://127.0.0.1:" + QuarryProcess.freePort();
        String id = sessions.create(EnvironmentSessions.selfHosted(workspace, nobody, "a-token-nobody-checks"));
        long asked = System.nanoTime();
        sessions.say(id, "[[call shell {\"command\": \"true\"}]]");

        JsonNode waiting = sessions.awaitSession(id, s -> s.path("status").asText().equals("requires_action"));
        JsonNode action = waiting.path("required_actions").path(0);
        assertThat(waiting.path("required_actions")).hasSize(1);
        assertThat(action.path("type").asText()).isEqualTo("environment_connection");
        assertThat(action.path("environment_id").asText()).isNotEmpty().isEqualTo(waiting.path("environment").path("id").asText());

        JsonNode idle = sessions.awaitIdle(id);
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("the connect wait of 2 s").isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        JsonNode turn = sessions.turns(id).getFirst();
        assertThat(turn.path("status").asText()).isEqualTo("failed");
        assertThat(turn.path("error").path("code").asText()).isEqualTo("connection_failed");
        assertThat(idle.path("environment").path("status").asText()).isEqualTo("failed");
        assertThat(idle.path("environment").path("quarry_executor_version").isNull()).as("never connected").isTrue();
        assertThat(idle.path("required_actions")).isEmpty();
        List<JsonNode> commands = sessions.items(id, "command_execution");
        assertThat(commands).as("the call is answered, not left open").hasSize(1);
        assertThat(commands.getFirst().path("status").asText()).isEqualTo("failed");
        assertThat(commands.getFirst().path("error").asText()).startsWith("connection_failed: ");
    }

    @Test
    void aWrongCapabilityTokenFailsTheTurnAtOnceWithoutNamingTheToken() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("token-workspace"));
        try (ExecServerProcess executor = ExecServerProcess.start(Files.createDirectories(dir.resolve("token-executor")))) {
            String wrong = "wrong-token-" + Long.toHexString(System.nanoTime());
            String id = sessions.create(EnvironmentSessions.selfHosted(workspace, executor.url().toString(), wrong));
            long asked = System.nanoTime();
            sessions.say(id, "[[call shell {\"command\": \"true\"}]]");
            JsonNode idle = sessions.awaitIdle(id);

            assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("a refusal is not waited on").isLessThan(Duration.ofMillis(1900));
            JsonNode turn = sessions.turns(id).getFirst();
            assertThat(turn.path("status").asText()).isEqualTo("failed");
            assertThat(turn.path("error").path("code").asText()).isEqualTo("connection_failed");
            assertThat(turn.path("error").path("message").asText()).contains("refused").doesNotContain(wrong).doesNotContain(executor.token());
            assertThat(idle.path("environment").path("status").asText()).isEqualTo("failed");
            assertThat(idle.toString()).doesNotContain(wrong);
        }
    }
}
