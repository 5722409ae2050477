package dev.quarry.acceptance;

import static dev.quarry.acceptance.AgentTurnsSdkTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.models.beta.agents.AgentSession;
import com.openai.models.beta.agents.AgentSessionEvent;
import com.openai.models.beta.agents.AgentToolParam;
import com.openai.models.beta.agents.McpTransportParam;
import com.openai.models.beta.agents.sessions.SessionCreateParams;
import com.openai.models.beta.agents.sessions.turns.Turn;
import dev.quarry.testing.ExecServerProcess;
import dev.quarry.testing.JsonCalls;
import dev.quarry.testing.NpmTools;
import dev.quarry.testing.StdioMcpServerMain;
import dev.quarry.testing.TestQuarry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stdio MCP server started in the session's environment, through the real {@code codex
 * exec-server}: the server is {@link StdioMcpServerMain} (the SDK's own stdio server side) run
 * with this JVM; a command that exits at once is left out, or fails the turn when required, with
 * its exit code and stderr; and a session without an environment cannot have one.
 */
class StdioMcpAgentTest {
    private static final String CRASH = "echo boom >&2; exit 3";

    @TempDir
    static Path dir;
    private static ExecServerProcess executor;
    private static TestQuarry quarry;
    private static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(NpmTools.npmAvailable(), "npm is not installed: the Codex exec-server cannot be installed");
        executor = ExecServerProcess.start(dir);
        quarry = TestQuarry.start(ExecServerAgentTest.CONFIG, Map.of());
        client = AgentTurnsSdkTest.client(quarry, quarry.newKey("stdio-mcp"));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (quarry != null) quarry.close();
        if (executor != null) executor.close();
    }

    private static AgentToolParam.Mcp tool(String label, boolean required, List<String> argv, String cwd) {
        McpTransportParam.Stdio stdio = McpTransportParam.Stdio.builder().command(argv.getFirst()).args(argv.subList(1, argv.size())).cwd(cwd)
                .env(McpTransportParam.Stdio.Env.builder().putProperty("GREETING", "hello").build()).build();
        return AgentToolParam.Mcp.builder().serverLabel(label).transport(stdio).required(required).build();
    }

    private static AgentSession session(Path workspace, AgentToolParam.Mcp... tools) {
        SessionCreateParams.Agent.Builder agent = SessionCreateParams.Agent.builder().model("quarry/echo").instructions("Use your tools.");
        for (AgentToolParam.Mcp tool : tools) agent.addTool(tool);
        return client.beta().agents().sessions().create(SessionCreateParams.builder().agent(agent.build())
                .environment(ExecServerAgentTest.environment(workspace, executor)).build());
    }

    private static String finalAnswer(List<AgentSessionEvent> events) {
        return events.stream().filter(AgentSessionEvent::isTurnOutputTextDone).map(e -> e.asTurnOutputTextDone().text()).reduce((a, b) -> b)
                .orElseThrow();
    }

    private static Turn onlyTurn(String sessionId) {
        var turns = client.beta().agents().sessions().turns().list(sessionId).data();
        assertThat(turns).hasSize(1);
        return turns.getFirst();
    }

    @Test
    void theAgentCallsAToolOfAStdioServerStartedInItsEnvironment() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("ws-echo"));
        Files.createDirectories(workspace.resolve("sub"));
        AgentSession session = session(workspace, tool("local", true, StdioMcpServerMain.command(), "sub"));
        JsonNode shown = json(client.beta().agents().sessions().retrieve(session.id())).path("agent").path("tools").get(0).path("transport");
        assertThat(shown.path("type").asText()).isEqualTo("stdio");
        assertThat(shown.path("command").asText()).isEqualTo(StdioMcpServerMain.command().getFirst());
        assertThat(shown.path("args").size()).isEqualTo(StdioMcpServerMain.command().size() - 1);
        assertThat(shown.path("env").path("GREETING").asText()).isEqualTo("hello");
        assertThat(shown.path("cwd").asText()).isEqualTo("sub");

        List<AgentSessionEvent> events = ExecServerAgentTest.turn(client, session.id(),
                "[[call local__echo {\"text\":\"hi\"}]] [[call local__where {}]]");

        assertThat(onlyTurn(session.id()).status()).isEqualTo(Turn.Status.COMPLETED);
        List<JsonNode> calls = ExecServerAgentTest.items(client, session.id()).stream().filter(i -> i.path("type").asText().equals("mcp_call")).toList();
        assertThat(calls).extracting(c -> c.path("server_label").asText()).containsExactly("local", "local");
        assertThat(calls.get(0).path("output").asText()).isEqualTo("echo: hi");
        assertThat(calls.get(1).path("output").asText()).contains("cwd=" + workspace.resolve("sub").toRealPath()).contains("GREETING=hello");
        assertThat(finalAnswer(events)).contains("echo: hi");
        List<JsonNode> trail = ExecServerAgentTest.audit(quarry, session.id(),
                e -> e.stream().filter(a -> a.path("action").asText().equals("quarry:CallMcpTool")).count() >= 2);
        assertThat(trail).extracting(a -> a.path("action").asText()).contains("quarry:CallMcpTool");
    }

    @Test
    void aServerThatExitsAtOnceIsLeftOutUnlessItIsRequired() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("ws-crash"));
        AgentSession optional = session(workspace, tool("broken", false, List.of("sh", "-c", CRASH), "."),
                tool("local", false, StdioMcpServerMain.command(), "."));
        List<AgentSessionEvent> events = ExecServerAgentTest.turn(client, optional.id(), "[[call local__echo {\"text\":\"still here\"}]]");
        assertThat(onlyTurn(optional.id()).status()).isEqualTo(Turn.Status.COMPLETED);
        assertThat(finalAnswer(events)).contains("echo: still here");

        AgentSession required = session(workspace, tool("broken", true, List.of("sh", "-c", CRASH), "."));
        events = ExecServerAgentTest.turn(client, required.id(), "[[call broken__echo {}]]");
        assertThat(events.stream().map(AgentTurnsSdkTest::type)).contains("agent.session.turn.failed");
        JsonNode error = json(onlyTurn(required.id())).path("error");
        assertThat(error.path("code").asText()).isEqualTo("connection_failed");
        assertThat(error.path("message").asText()).isEqualTo("The MCP server 'broken' is required but could not be reached: "
                + "stdio MCP server 'broken' exited with code 3 before initialize: boom");
    }

    @Test
    void aRequiredServerWhoseFolderIsOutsideTheWorkspaceFailsTheTurn() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("ws-outside"));
        AgentSession session = session(workspace, tool("local", true, StdioMcpServerMain.command(), "/"));
        ExecServerAgentTest.turn(client, session.id(), "[[call local__echo {}]]");
        JsonNode error = json(onlyTurn(session.id())).path("error");
        assertThat(error.path("code").asText()).isEqualTo("connection_failed");
        assertThat(error.path("message").asText()).contains("stdio MCP server 'local' cannot start: ").contains("workspace");
    }

    @Test
    void aStdioServerNeedsAnEnvironmentAndBoundedNamedValues() {
        String key = quarry.newKey("stdio-mcp-refused");
        String tool = "{\"type\": \"mcp\", \"server_label\": \"local\", \"transport\": {\"type\": \"stdio\", \"command\": \"server\", \"cwd\": \".\"%s}}";
        JsonCalls.Reply reply = quarry.call("POST", "/v1/agents/sessions", key,
                "{\"agent\": {\"model\": \"quarry/echo\", \"tools\": [" + tool.formatted("") + "]}}");
        JsonNode error = reply.expect(400).path("error");
        assertThat(error.path("param").asText()).isEqualTo("environment");
        assertThat(error.path("message").asText()).isEqualTo("The MCP server 'local' runs over stdio, which needs an environment to start it in: "
                + "give the session an 'environment'.");

        refused(key, tool.formatted(", \"env\": {\"1BAD\": \"x\"}"), "agent.tools[0].transport.env");
        refused(key, tool.formatted(", \"env\": {\"A\": 1}"), "agent.tools[0].transport.env.A");
        refused(key, tool.formatted(", \"args\": [" + "\"a\",".repeat(256) + "\"a\"]"), "agent.tools[0].transport.args");
        refused(key, tool.formatted(", \"args\": [1]"), "agent.tools[0].transport.args[0]");
        refused(key, tool.formatted(", \"env_vars\": [\"HOME\"]"), "agent.tools[0].transport.env_vars");
        refused(key, tool.formatted(", \"shell\": true"), "agent.tools[0].transport.shell");
        refused(key, tool.replace("\"server\"", "\"" + "x".repeat(4097) + "\"").formatted(""), "agent.tools[0].transport.command");
    }

    private static void refused(String key, String tool, String param) {
        String body = "{\"agent\": {\"model\": \"quarry/echo\", \"tools\": [" + tool + "]}}";
        JsonCalls.Reply reply = quarry.call("POST", "/v1/agents/sessions", key, body);
        assertThat(reply.expect(400).path("error").path("param").asText()).as(reply.body()).isEqualTo(param);
    }
}
