package dev.quarry.agents.runtime.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.agents.environment.CommandSandbox;
import dev.quarry.agents.environment.LocalExecutor;
import dev.quarry.agents.model.AgentTool;
import dev.quarry.agents.model.EnvironmentSpec;
import dev.quarry.testing.StdioMcpServerMain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quarry's MCP client against a real stdio MCP server (the SDK's server side, {@link StdioMcpServerMain}),
 * started on a {@code quarry_local} executor without a sandbox (the JDK lives outside a sandbox's binds).
 */
class StdioMcpTest {
    private static final McpSettings SETTINGS = new McpSettings(Duration.ofSeconds(20), Duration.ofSeconds(30), Set.of(), Set.of(), 1 << 20);

    @TempDir
    Path dataDir;
    private LocalExecutor executor;
    private final McpClients clients = new McpClients(SETTINGS);

    @BeforeEach
    void start() {
        executor = LocalExecutor.forSession(dataDir, "sess_stdio", new EnvironmentSpec.QuarryLocal(false,
                new EnvironmentSpec.LocalLimits(4096, 600, 256, 2048), List.of()), new CommandSandbox.Unconfined());
    }

    @AfterEach
    void stop() {
        clients.close();
        executor.close();
    }

    private static AgentTool.Mcp server(List<String> argv, Map<String, String> env) {
        return new AgentTool.Mcp("local", null, null, false, List.of(), null, null, new AgentTool.Stdio(argv.getFirst(), argv.subList(1, argv.size()), env, null),
                List.of());
    }

    private String workspace() {
        return executor.workspace().toString();
    }

    @Test
    void listsAndCallsTheToolsOfAServerStartedWithItsEnvironmentInItsFolder() {
        try (McpConnection connection = clients.connectStdio(server(StdioMcpServerMain.command(), Map.of("GREETING", "hello")), executor, workspace())) {
            assertThat(connection.tools()).extracting(McpToolInfo::name).containsExactly("echo", "where", "die");

            assertThat(connection.call("echo", "{\"text\":\"hi\"}", "turn_1:call_1")).isEqualTo(new McpResult(false, "echo: hi"));
            McpResult where = connection.call("where", "{}", "turn_1:call_2");
            assertThat(where.text()).contains("cwd=" + workspace()).contains("GREETING=hello");
        }
    }

    @Test
    void aMessageLongerThanAChunkOfOutputArrivesWhole() {
        String text = "x".repeat(300_000);
        try (McpConnection connection = clients.connectStdio(server(StdioMcpServerMain.command(), Map.of()), executor, workspace())) {
            assertThat(connection.call("echo", "{\"text\":\"" + text + "\"}", "turn_1:call_1").text()).isEqualTo("echo: " + text);
        }
    }

    @Test
    void closingTheConnectionEndsTheProcess() throws Exception {
        long pid;
        try (McpConnection connection = clients.connectStdio(server(StdioMcpServerMain.command(), Map.of()), executor, workspace())) {
            Matcher m = Pattern.compile("pid=(\\d+)").matcher(connection.call("where", "{}", "turn_1:call_1").text());
            assertThat(m.find()).isTrue();
            pid = Long.parseLong(m.group(1));
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void aServerThatExitsBeforeInitializeIsUnavailableWithItsExitCodeAndStderrAtOnce() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> clients.connectStdio(server(StdioMcpServerMain.command("crash"), Map.of()), executor, workspace()))
                .isInstanceOf(McpUnavailable.class)
                .hasMessage("stdio MCP server 'local' exited with code 3 before initialize: boom: the test server was told to crash");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(SETTINGS.connectTimeout());

        assertThatThrownBy(() -> clients.connectStdio(server(List.of("sh", "-c", "echo boom >&2; exit 3"), Map.of()), executor, workspace()))
                .isInstanceOf(McpUnavailable.class)
                .hasMessage("stdio MCP server 'local' exited with code 3 before initialize: boom");
        assertThatThrownBy(() -> clients.connectStdio(server(List.of("false"), Map.of()), executor, workspace()))
                .isInstanceOf(McpUnavailable.class)
                .hasMessage("stdio MCP server 'local' exited with code 1 before initialize (no stderr)");
    }

    @Test
    void onlyTheLastFourKibOfStderrAreKept() {
        String script = "head -c 10000 /dev/zero | tr '\\0' a >&2; echo END >&2; exit 2";
        assertThatThrownBy(() -> clients.connectStdio(server(List.of("sh", "-c", script), Map.of()), executor, workspace()))
                .isInstanceOf(McpUnavailable.class)
                .satisfies(e -> {
                    String tail = e.getMessage().substring(e.getMessage().indexOf(": ") + 2);
                    assertThat(tail).endsWith("aaaaEND").hasSizeLessThanOrEqualTo(ExecStdioTransport.STDERR_TAIL);
                    assertThat(e.getMessage()).startsWith("stdio MCP server 'local' exited with code 2 before initialize: aaa");
                });
    }

    @Test
    void aServerPrintingLinesThatAreNotJsonRpcIsLoggedOnceNotOncePerLine() {
        java.util.concurrent.atomic.AtomicInteger warnings = new java.util.concurrent.atomic.AtomicInteger();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(ExecStdioTransport.class.getName());
        java.util.logging.Handler counter = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) warnings.incrementAndGet();
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        log.addHandler(counter);
        try {
            assertThatThrownBy(() -> clients.connectStdio(server(List.of("sh", "-c", "seq 1 5000; exit 4"), Map.of()), executor, workspace()))
                    .isInstanceOf(McpUnavailable.class);
        } finally {
            log.removeHandler(counter);
        }
        assertThat(warnings.get()).isEqualTo(1);
    }

    @Test
    void aCommandThatIsNotThereIsUnavailable() {
        assertThatThrownBy(() -> clients.connectStdio(server(List.of("/nonexistent/mcp-server"), Map.of()), executor, workspace()))
                .isInstanceOf(McpUnavailable.class)
                .hasMessageStartingWith("stdio MCP server 'local' exited with code 127 before initialize: ")
                .hasMessageEndingWith("/nonexistent/mcp-server: No such file or directory");
    }

    @Test
    void aServerThatDiesDuringACallFailsThatCallAtOnceAndLaterCallsToo() {
        try (McpConnection connection = clients.connectStdio(server(StdioMcpServerMain.command(), Map.of()), executor, workspace())) {
            long started = System.nanoTime();
            McpResult died = connection.call("die", "{}", "turn_1:call_1");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(SETTINGS.callTimeout());
            assertThat(died.isError()).isTrue();
            assertThat(died.text()).startsWith("MCP error -32000: stdio MCP server 'local' exited with code 5: ").endsWith("dying on purpose");

            assertThatThrownBy(() -> connection.call("echo", "{\"text\":\"again\"}", "turn_1:call_2"))
                    .isInstanceOf(McpUnavailable.class)
                    .hasMessageContaining("exited with code 5");
        }
    }

    @Test
    void aMessageOverTheResponseLimitEndsTheServerAndFailsTheCall() {
        McpSettings settings = new McpSettings(Duration.ofSeconds(20), Duration.ofSeconds(30), Set.of(), Set.of(), 1000);
        try (McpClients small = new McpClients(settings);
             McpConnection connection = small.connectStdio(server(StdioMcpServerMain.command(), Map.of()), executor, workspace())) {
            String text = "x".repeat(settings.maxResponseBytes());
            McpResult refused = connection.call("echo", "{\"text\":\"" + text + "\"}", "turn_1:call_1");
            assertThat(refused).isEqualTo(new McpResult(true, "MCP error -32000: stdio MCP server 'local' sent a message over "
                    + settings.maxResponseBytes() + " bytes"));
        }
    }
}
