package dev.quarry.acceptance;

import static dev.quarry.acceptance.EnvironmentSessions.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.testing.ExecServerProcess;
import dev.quarry.testing.JsonCalls;
import dev.quarry.testing.NpmTools;
import dev.quarry.testing.TestQuarry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What an agent or a client can get wrong with an environment, through the real
 * {@code codex exec-server}: paths leading out of the workspace, runaway output, a command that
 * outlives its time limit, a malformed skill, hostile Unicode; and session bodies that name an
 * environment Quarry must refuse, each answered 400 in the OpenAI error shape.
 */
class EnvironmentBadInputTest {
    private static final String CONFIG = """
            agents:
              environments:
                executor_hosts: ["127.0.0.1"]
                connect_wait_seconds: 3
                max_command_output_bytes: 1048576
            """;

    @TempDir
    static Path dir;
    private static ExecServerProcess executor;
    private static TestQuarry quarry;
    private static EnvironmentSessions sessions;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(NpmTools.npmAvailable(), "npm is not installed: the Codex exec-server cannot be installed");
        executor = ExecServerProcess.start(dir);
        quarry = TestQuarry.start(CONFIG, Map.of());
        sessions = new EnvironmentSessions(quarry.baseUrl(), quarry.newKey("environment-bad-input"));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (quarry != null) quarry.close();
        if (executor != null) executor.close();
    }

    private static Path workspace(String name) throws IOException {
        return Files.createDirectories(dir.resolve(name)).toRealPath();
    }

    private static ObjectNode environment(Path workspace) {
        return EnvironmentSessions.selfHosted(workspace, executor.url().toString(), executor.token());
    }

    private static String call(String tool, ObjectNode arguments) {
        return "[[call " + tool + " " + arguments + "]] ";
    }

    private static ObjectNode path(String path) {
        return JSON.createObjectNode().put("path", path);
    }

    private static ObjectNode command(String command) {
        return JSON.createObjectNode().put("command", command);
    }

    @Test
    void pathsLeadingOutOfTheWorkspaceAreRefusedWithTheSameMessage() throws Exception {
        Path workspace = workspace("escape");
        Files.createSymbolicLink(workspace.resolve("etc-link"), Path.of("/etc"));
        String id = sessions.create(environment(workspace));
        List<String> escapes = List.of("../../etc/passwd", "/etc/passwd", "etc-link/passwd");

        sessions.run(id, String.join("", escapes.stream().map(p -> call("read_file", path(p))).toList()));

        List<JsonNode> calls = sessions.items(id, "environment_call");
        assertThat(calls).hasSize(3);
        for (int i = 0; i < escapes.size(); i++) {
            assertThat(calls.get(i).path("status").asText()).isEqualTo("failed");
            assertThat(calls.get(i).path("error").asText())
                    .isEqualTo("Path '" + escapes.get(i) + "' is outside the workspace '" + workspace + "'.");
            assertThat(calls.get(i).path("output").isNull()).isTrue();
        }
        assertThat(sessions.items(id).toString()).doesNotContain("root:x:0:0");
    }

    @Test
    void runawayOutputAndOverlongCommandsAreStoppedAndTheirProcessesAreGone() throws Exception {
        Path workspace = workspace("runaway");
        String marker = "quarry-runaway-" + Long.toHexString(System.nanoTime());
        String id = sessions.create(environment(workspace));

        sessions.run(id, call("shell", command("yes " + marker + "-piped | head -c 3000000"))
                + call("shell", command("yes " + marker + "-endless"))
                + call("shell", command("sleep 5").put("timeout_ms", 500)));

        List<JsonNode> commands = sessions.items(id, "command_execution");
        assertThat(commands).hasSize(3);
        for (JsonNode flood : commands.subList(0, 2)) {
            assertThat(flood.path("status").asText()).as(flood.path("command").asText()).isEqualTo("failed");
            assertThat(flood.path("error").asText()).startsWith("output_limit_exceeded");
            assertThat(flood.path("output").asText().length()).isLessThanOrEqualTo(1048576 + 100).isGreaterThan(1000);
        }
        JsonNode slow = commands.get(2);
        assertThat(slow.path("status").asText()).isEqualTo("failed");
        assertThat(slow.path("error").asText()).startsWith("timeout");
        assertThat(slow.path("duration_ms").asLong()).isLessThan(3000);
        assertThat(running(marker)).as("processes of the stopped commands").isEmpty();
    }

    /** The command lines of this machine's processes that name {@code marker}. */
    private static List<String> running(String marker) throws IOException, InterruptedException {
        Process pgrep = new ProcessBuilder("pgrep", "-a", "-f", marker).redirectErrorStream(true).start();
        List<String> lines = new String(pgrep.getInputStream().readAllBytes()).lines().filter(l -> !l.contains("pgrep")).toList();
        pgrep.waitFor();
        return lines;
    }

    @Test
    void aGoodSkillLoadsAndAMalformedOneDoesNot() throws Exception {
        Path workspace = workspace("skills-workspace");
        Path skills = workspace("skills");
        Files.writeString(Files.createDirectories(skills.resolve("tidy")).resolve("SKILL.md"),
                "---\nname: tidy\ndescription: Keeps the repository tidy.\n---\nRun the formatter before every commit.\n");
        Files.writeString(Files.createDirectories(skills.resolve("broken")).resolve("SKILL.md"), "no front matter at all\n");
        ObjectNode environment = environment(workspace);
        environment.putArray("capability_directories").add(skills.toString());
        String id = sessions.create(environment);

        sessions.run(id, call("load_skill", JSON.createObjectNode().put("name", "tidy"))
                + call("load_skill", JSON.createObjectNode().put("name", "broken")));

        List<JsonNode> calls = sessions.items(id, "environment_call");
        assertThat(calls).extracting(c -> c.path("status").asText()).containsExactly("completed", "failed");
        assertThat(calls.get(0).path("output").asText()).contains("Run the formatter before every commit.");
        assertThat(calls.get(1).path("error").asText()).contains("broken");
    }

    @Test
    void hostileUnicodeInPathsAndOutputRoundTrips() throws Exception {
        Path workspace = workspace("unicode");
        String name = "dir-😀/ünïcödé-\u202e.txt";
        String id = sessions.create(environment(workspace));

        sessions.run(id, call("write_file", path(name).put("content", "emoji 😀 and ✓\n"))
                + call("read_file", path(name))
                + call("list_dir", path("dir-😀"))
                + call("shell", command("printf 'bad \\xff byte\\n'; echo 'emoji 😀'; cat 'dir-😀/ünïcödé-\u202e.txt'")));

        assertThat(Files.readString(workspace.resolve(name))).isEqualTo("emoji 😀 and ✓\n");
        List<JsonNode> calls = sessions.items(id, "environment_call");
        assertThat(calls).extracting(c -> c.path("status").asText()).containsExactly("completed", "completed", "completed");
        assertThat(calls.get(1).path("output").asText()).contains("emoji 😀 and ✓");
        assertThat(calls.get(2).path("output").asText()).contains("ünïcödé-\u202e.txt");
        JsonNode shell = sessions.items(id, "command_execution").getFirst();
        assertThat(shell.path("status").asText()).isEqualTo("completed");
        assertThat(shell.path("exit_code").asInt()).isZero();
        // A login shell: the machine's profile may write first.
        // Line by line: a login shell's profile may write its complaints on stderr between them.
        assertThat(shell.path("output").asText()).contains("bad \uFFFD byte\n", "emoji 😀\n", "emoji 😀 and ✓\n");
        assertThat(sessions.lastAnswer(id)).contains("emoji 😀");
    }

    @Test
    void aFunctionNamedLikeAHarnessToolIsRefusedWithAnEnvironment() throws Exception {
        ObjectNode agent = JSON.createObjectNode().put("model", "quarry/echo");
        agent.putArray("tools").addObject().put("type", "function").put("name", "shell");
        JsonNode error = error(sessions.tryCreate(agent, environment(workspace("function"))), "agent.tools");
        assertThat(error.path("message").asText()).contains("'shell'");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badEnvironments")
    void aBadEnvironmentIsRefusedWhenTheSessionIsCreated(String why, Consumer<ObjectNode> breakIt, String param) {
        ObjectNode environment = EnvironmentSessions.selfHosted(dir, "ws://127.0.0.1:9", "a-good-token");
        breakIt.accept(environment);
        String secret = environment.path("quarry_connect").path("capability_token").asText();
        JsonCalls.Reply reply = sessions.tryCreate(JSON.createObjectNode().put("model", "quarry/echo"), environment);
        error(reply, param);
        if (secret.length() > 8) assertThat(reply.body()).doesNotContain(secret);
    }

    static Stream<Arguments> badEnvironments() {
        String url = "environment.quarry_connect.url";
        String token = "environment.quarry_connect.capability_token";
        return Stream.of(
                Arguments.of("an http URL", connect(c -> c.put("url", "http://127.0.0.1:9")), url),
                Arguments.of("user info in the URL", connect(c -> c.put("url", "ws://user:pw@127.0.0.1:9")), url),
                Arguments.of("a relative workspace", put("workspace_directory", "work/here"), "environment.workspace_directory"),
                Arguments.of("'..' in the workspace", put("workspace_directory", "/tmp/../etc"), "environment.workspace_directory"),
                Arguments.of("an unknown field", put("cpu_count", "4"), "environment.cpu_count"),
                Arguments.of("a host not allowed", connect(c -> c.put("url", "ws://10.0.0.1:9")), url),
                Arguments.of("a token with spaces", connect(c -> c.put("capability_token", "a token with spaces")), token),
                Arguments.of("a token over 4096 characters", connect(c -> c.put("capability_token", "t".repeat(4097))), token),
                Arguments.of("openai_hosted", put("type", "openai_hosted"), "environment.type"),
                Arguments.of("33 capability directories", (Consumer<ObjectNode>) e -> {
                    var folders = e.putArray("capability_directories");
                    for (int i = 0; i < 33; i++) folders.add("/skills/" + i);
                }, "environment.capability_directories"),
                Arguments.of("approval of an unknown tool", (Consumer<ObjectNode>) e -> e.putArray("quarry_require_approval").add("rm_rf"),
                        "environment.quarry_require_approval"),
                Arguments.of("quarry_local limits out of range", (Consumer<ObjectNode>) e -> {
                    e.removeAll();
                    e.put("type", "quarry_local").putObject("limits").put("memory_mb", 1);
                }, "environment.limits.memory_mb"));
    }

    private static Consumer<ObjectNode> connect(Consumer<ObjectNode> change) {
        return e -> change.accept((ObjectNode) e.get("quarry_connect"));
    }

    private static Consumer<ObjectNode> put(String field, String value) {
        return e -> e.put(field, value);
    }

    private static JsonNode error(JsonCalls.Reply reply, String param) {
        JsonNode error = reply.expect(400).path("error");
        assertThat(error.path("message").asText()).as(reply.body()).isNotBlank();
        assertThat(error.path("type").asText()).as(reply.body()).isEqualTo("invalid_request_error");
        assertThat(error.has("code")).as(reply.body()).isTrue();
        assertThat(error.path("param").asText()).as(reply.body()).isEqualTo(param);
        return error;
    }
}
