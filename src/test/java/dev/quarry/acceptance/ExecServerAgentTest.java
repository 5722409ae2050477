package dev.quarry.acceptance;

import static dev.quarry.acceptance.AgentTurnsSdkTest.json;
import static dev.quarry.acceptance.AgentTurnsSdkTest.readUntil;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.models.beta.agents.AgentSession;
import com.openai.models.beta.agents.AgentSessionEvent;
import com.openai.models.beta.agents.AgentSessionInputMessageParam;
import com.openai.models.beta.agents.EnvironmentParam;
import com.openai.models.beta.agents.sessions.SessionCreateParams;
import com.openai.models.beta.agents.sessions.events.EventCreateParams;
import com.openai.models.beta.agents.sessions.items.ItemListParams;
import dev.quarry.testing.ExecServerProcess;
import dev.quarry.testing.NpmTools;
import dev.quarry.testing.TestQuarry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent acting through the real {@code codex exec-server} (npm {@code @openai/codex}, pinned):
 * Quarry dials the listening executor with its capability token, and a scripted agent on
 * {@code quarry/echo} lists a sample repository, fixes a bug with {@code apply_patch}, runs its
 * tests with {@code shell} and answers with their result. The items, the live command output and
 * the audit trail show each step.
 */
class ExecServerAgentTest {
    static final String CONFIG = """
            agents:
              environments:
                executor_hosts: ["127.0.0.1"]
                connect_wait_seconds: 3
            """;

    @TempDir
    static Path dir;
    private static ExecServerProcess executor;
    private static TestQuarry quarry;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(NpmTools.npmAvailable(), "npm is not installed: the Codex exec-server cannot be installed");
        executor = ExecServerProcess.start(dir);
        quarry = TestQuarry.start(CONFIG, Map.of());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (quarry != null) quarry.close();
        if (executor != null) executor.close();
    }

    /** A fresh copy of the sample repository (calc.sh with a bug, test.sh with two checks). */
    static Path sampleRepository(Path parent) throws IOException {
        Path repo = Files.createDirectories(parent.resolve("repo-" + System.nanoTime()));
        for (String name : List.of("calc.sh", "test.sh", "README.md")) {
            try (InputStream in = ExecServerAgentTest.class.getResourceAsStream("/agents/sample-repo/" + name)) {
                Files.copy(in, repo.resolve(name));
            }
        }
        return repo;
    }

    static EnvironmentParam.SelfHosted environment(Path workspace, ExecServerProcess server) {
        return EnvironmentParam.SelfHosted.builder().workspaceDirectory(workspace.toString())
                .putAdditionalProperty("quarry_connect", JsonValue.from(Map.of("url", server.url().toString(), "capability_token", server.token())))
                .build();
    }

    /** The task, scripted for the echo model: every call of one answer runs in order. */
    static final String TASK = "[[call list_dir {\"path\": \".\"}]] "
            + "[[call apply_patch {\"input\": \"*** Begin Patch\\n*** Update File: calc.sh\\n@@ add() {\\n-  echo $(( $1 - $2 ))\\n+  echo $(( $1 + $2 ))\\n*** End Patch\"}]] "
            + "[[call shell {\"command\": \"bash test.sh\"}]]";

    static List<AgentSessionEvent> turn(OpenAIClient client, String sessionId, String text) {
        var sessions = client.beta().agents().sessions();
        try (var stream = sessions.events().streamStreaming(sessionId)) {
            sessions.events().create(sessionId, EventCreateParams.builder().addAgentSessionInputMessageEvent(List.of(
                    AgentSessionInputMessageParam.builder().role(JsonValue.from("user")).addInputTextContent(text).build())).build());
            return readUntil(stream.stream().iterator(), AgentSessionEvent::isIdle);
        }
    }

    static List<JsonNode> items(OpenAIClient client, String sessionId) {
        List<JsonNode> items = new ArrayList<>();
        client.beta().agents().sessions().items().list(sessionId, ItemListParams.builder().order(ItemListParams.Order.ASC).build()).autoPager()
                .forEach(item -> items.add(json(item)));
        return items;
    }

    static List<JsonNode> audit(TestQuarry quarry, String sessionId, Predicate<List<JsonNode>> until) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<JsonNode> events = new ArrayList<>();
            quarry.admin("GET", "/admin/audit?session=" + sessionId + "&limit=200", null).expect(200).path("events").forEach(events::add);
            if (until.test(events) || System.nanoTime() > deadline) return events;
            Thread.sleep(50);
        }
    }

    @Test
    void anAgentListsARepositoryPatchesItRunsItsTestsAndReportsTheResult() throws Exception {
        Path repo = sampleRepository(dir);
        OpenAIClient client = AgentTurnsSdkTest.client(quarry, quarry.newKey("exec-server-task"));
        AgentSession session = client.beta().agents().sessions().create(SessionCreateParams.builder()
                .agent(SessionCreateParams.Agent.builder().model("quarry/echo").instructions("Fix the repository.").build())
                .environment(environment(repo, executor)).build());
        assertThat(json(session).path("environment").path("type").asText()).isEqualTo("self_hosted");
        assertThat(json(session).toString()).doesNotContain(executor.token());

        List<AgentSessionEvent> events = turn(client, session.id(), TASK);

        String answer = events.stream().filter(AgentSessionEvent::isTurnOutputTextDone).map(e -> e.asTurnOutputTextDone().text()).reduce((a, b) -> b)
                .orElseThrow();
        assertThat(answer).contains("Exit code: 0").contains("2 passed");
        assertThat(Files.readString(repo.resolve("calc.sh"))).contains("echo $(( $1 + $2 ))");
        assertThat(events.stream().map(AgentTurnsSdkTest::type)).contains("agent.session.environment.connected",
                "agent.output.command_execution_output.delta");

        List<JsonNode> items = items(client, session.id());
        List<JsonNode> calls = items.stream().filter(i -> i.path("type").asText().equals("environment_call")).toList();
        assertThat(calls).extracting(i -> i.path("name").asText()).containsExactly("list_dir", "apply_patch");
        assertThat(calls.get(0).path("output").asText()).contains("calc.sh").contains("test.sh");
        assertThat(calls.get(1).path("output").asText()).contains("calc.sh");
        JsonNode command = items.stream().filter(i -> i.path("type").asText().equals("command_execution")).findFirst().orElseThrow();
        assertThat(command.path("status").asText()).isEqualTo("completed");
        assertThat(command.path("command").asText()).isEqualTo("bash test.sh");
        assertThat(command.path("exit_code").asInt()).isZero();
        assertThat(command.path("output").asText()).contains("2 passed");
        assertThat(command.path("cwd").asText()).isEqualTo(repo.toRealPath().toString());

        List<JsonNode> trail = audit(quarry, session.id(), e -> e.stream().anyMatch(a -> a.path("action").asText().equals("quarry:RunAgentCommand")));
        assertThat(trail).extracting(a -> a.path("action").asText())
                .contains("quarry:ReadAgentFile", "quarry:WriteAgentFile", "quarry:RunAgentCommand");
        assertThat(trail.toString()).doesNotContain("2 passed").doesNotContain("$1 + $2").doesNotContain(executor.token());
    }

    @Test
    void aPolicyDenyingCommandsToAPrincipalLeavesItsAgentsFileToolsOnly() throws Exception {
        Path repo = sampleRepository(dir);
        quarry.admin("PUT", "/admin/policies/NoCommands", """
                {"Statement": [{"Effect": "Deny", "Action": "quarry:RunAgentCommand", "Resource": "agent-environment/*"}]}""").expect(200);
        String key = quarry.newKey("no-commands");
        quarry.admin("POST", "/admin/policies/NoCommands/attachments", "{\"target_type\": \"principal\", \"target_name\": \"no-commands\"}");
        OpenAIClient client = AgentTurnsSdkTest.client(quarry, key);
        AgentSession session = client.beta().agents().sessions().create(SessionCreateParams.builder()
                .agent(SessionCreateParams.Agent.builder().model("quarry/echo").build()).environment(environment(repo, executor)).build());

        turn(client, session.id(), "[[call read_file {\"path\": \"README.md\"}]] [[call shell {\"command\": \"touch ran.txt\"}]]");

        List<JsonNode> items = items(client, session.id());
        assertThat(items.stream().filter(i -> i.path("type").asText().equals("environment_call")).findFirst().orElseThrow()
                .path("output").asText()).contains("two checks");
        JsonNode command = items.stream().filter(i -> i.path("type").asText().equals("command_execution")).findFirst().orElseThrow();
        assertThat(command.path("status").asText()).isEqualTo("failed");
        assertThat(command.path("error").asText()).containsIgnoringCase("denied");
        assertThat(repo.resolve("ran.txt")).doesNotExist();
        List<JsonNode> trail = audit(quarry, session.id(), e -> e.stream().anyMatch(a -> a.path("decision").asText().equals("deny")));
        assertThat(trail).anySatisfy(a -> {
            assertThat(a.path("action").asText()).isEqualTo("quarry:RunAgentCommand");
            assertThat(a.path("decision").asText()).isEqualTo("deny");
        });
    }

    @Test
    void aSessionRunsNoMoreCommandsThanItsAllowance() throws Exception {
        Path repo = sampleRepository(dir);
        try (TestQuarry limited = TestQuarry.start(CONFIG + "    max_commands_per_session: 2\n", Map.of())) {
            OpenAIClient client = AgentTurnsSdkTest.client(limited, limited.newKey("few-commands"));
            AgentSession session = client.beta().agents().sessions().create(SessionCreateParams.builder()
                    .agent(SessionCreateParams.Agent.builder().model("quarry/echo").build()).environment(environment(repo, executor)).build());

            turn(client, session.id(), "[[call shell {\"command\": \"echo one >> log.txt\"}]] [[call shell {\"command\": \"echo two >> log.txt\"}]]");
            turn(client, session.id(), "[[call shell {\"command\": \"echo three >> log.txt\"}]]");

            assertThat(Files.readAllLines(repo.resolve("log.txt"))).containsExactly("one", "two");
            JsonNode third = items(client, session.id()).stream().filter(i -> i.path("type").asText().equals("command_execution"))
                    .reduce((a, b) -> b).orElseThrow();
            assertThat(third.path("error").asText()).startsWith("command_limit_exceeded");
        }
    }

    @Test
    void aCommandCutShortByACancelCountsTowardsTheSessionsAllowance() throws Exception {
        Path repo = sampleRepository(dir);
        try (TestQuarry limited = TestQuarry.start(CONFIG + "    max_commands_per_session: 1\n", Map.of())) {
            String key = limited.newKey("cancels");
            OpenAIClient client = AgentTurnsSdkTest.client(limited, key);
            String id = client.beta().agents().sessions().create(SessionCreateParams.builder()
                    .agent(SessionCreateParams.Agent.builder().model("quarry/echo").build()).environment(environment(repo, executor)).build()).id();
            limited.call("POST", "/v1/agents/sessions/" + id + "/events", key, "{\"events\": [{\"type\": \"agent.session.input.message\", "
                    + "\"input\": \"[[call shell {\\\"command\\\": \\\"echo started >> log.txt; sleep 30\\\"}]]\"}]}").expect(202);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!Files.exists(repo.resolve("log.txt")) && System.nanoTime() < deadline) Thread.sleep(50);
            limited.call("POST", "/v1/agents/sessions/" + id + "/events", key, "{\"events\": [{\"type\": \"agent.session.input.cancel\"}]}").expect(202);
            while (!json(client.beta().agents().sessions().retrieve(id)).path("status").asText().equals("idle") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }

            turn(client, id, "What happened?"); // the echo model reports the cancelled call first
            turn(client, id, "[[call shell {\"command\": \"echo again >> log.txt\"}]]");

            assertThat(Files.readAllLines(repo.resolve("log.txt"))).containsExactly("started");
            JsonNode second = items(client, id).stream().filter(i -> i.path("type").asText().equals("command_execution")).reduce((a, b) -> b)
                    .orElseThrow();
            assertThat(second.path("error").asText()).startsWith("command_limit_exceeded");
        }
    }

    @Test
    void anExecutorUrlWithAnUppercaseSchemeIsDialedAndOneWithoutATokenIsRefusedAtCreation() throws Exception {
        Path repo = sampleRepository(dir);
        String key = quarry.newKey("url-forms");
        String url = server(executor).replaceFirst("^ws:", "WS:");
        JsonNode created = quarry.call("POST", "/v1/agents/sessions", key, "{\"agent\": {\"model\": \"quarry/echo\"}, \"environment\": "
                + "{\"type\": \"self_hosted\", \"workspace_directory\": \"" + repo + "\", \"quarry_connect\": {\"url\": \"" + url
                + "\", \"capability_token\": \"" + executor.token() + "\"}}}").expect(200);
        OpenAIClient client = AgentTurnsSdkTest.client(quarry, key);
        turn(client, created.path("id").asText(), "[[call read_file {\"path\": \"README.md\"}]]");
        JsonNode read = items(client, created.path("id").asText()).stream().filter(i -> i.path("type").asText().equals("environment_call"))
                .findFirst().orElseThrow();
        assertThat(read.path("output").asText()).contains("two checks");

        JsonNode error = quarry.call("POST", "/v1/agents/sessions", key, "{\"agent\": {\"model\": \"quarry/echo\"}, \"environment\": "
                + "{\"type\": \"self_hosted\", \"workspace_directory\": \"" + repo + "\", \"quarry_connect\": {\"url\": \"" + server(executor)
                + "\"}}}").expect(400).path("error");
        assertThat(error.path("param").asText()).isEqualTo("environment.quarry_connect.capability_token");
    }

    private static String server(ExecServerProcess server) {
        return server.url().toString();
    }
}
