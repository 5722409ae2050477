package dev.quarry.testing;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A real MCP server over stdio (the SDK's own server side), for tests: tools {@code echo {text}}
 * answering {@code echo: <text>}, {@code where} answering its folder, {@code $GREETING} and its pid, and
 * {@code die}, which exits with code 5 mid-call. With the argument {@code crash} it writes to stderr
 * and exits with code 3 before reading a line.
 */
public final class StdioMcpServerMain {
    private StdioMcpServerMain() {}

    /** The command line that runs it with this JVM and the test classpath, small enough for a {@code quarry_local} memory limit. */
    public static List<String> command(String... args) {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                StdioMcpServerMain.class.getName()));
        argv.addAll(List.of(args));
        return argv;
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("crash")) {
            System.err.println("boom: the test server was told to crash");
            System.exit(3);
        }
        McpJsonMapper json = McpJsonDefaults.getMapper();
        McpServer.sync(new StdioServerTransportProvider(json))
                .serverInfo("quarry-stdio-test", "1")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .tools(tool(json, "echo", "Answers its text.", "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}",
                                arguments -> "echo: " + arguments.get("text")),
                        tool(json, "where", "Answers its folder and $GREETING.", "{\"type\":\"object\"}",
                                arguments -> "cwd=" + Path.of("").toAbsolutePath() + " GREETING=" + System.getenv("GREETING")
                                        + " pid=" + ProcessHandle.current().pid()),
                        tool(json, "die", "Exits mid-call.", "{\"type\":\"object\"}", arguments -> {
                            System.err.println("dying on purpose");
                            System.exit(5);
                            return null;
                        }))
                .build();
        Thread.currentThread().join(); // the transport reads stdin on threads of its own; the process ends when it is terminated
    }

    private static SyncToolSpecification tool(McpJsonMapper json, String name, String description, String schema,
                                              Function<Map<String, Object>, String> answer) {
        return SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name(name).description(description).inputSchema(json, schema).build())
                .callHandler((exchange, request) -> McpSchema.CallToolResult.builder().addTextContent(answer.apply(request.arguments())).build())
                .build();
    }
}
