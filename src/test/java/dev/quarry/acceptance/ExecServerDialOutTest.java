package dev.quarry.acceptance;

import static dev.quarry.acceptance.ExecServerAgentTest.TASK;
import static dev.quarry.acceptance.ExecServerAgentTest.sampleRepository;
import static dev.quarry.acceptance.ExecServerAgentTest.turn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.models.beta.agents.AgentSessionEvent;
import dev.quarry.testing.DialOutExecServer;
import dev.quarry.testing.ExecServerProcess;
import dev.quarry.testing.NpmTools;
import dev.quarry.testing.TestQuarry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code codex exec-server} dialing out to Quarry ({@code --remote … --remote-transport
 * direct --aws-sigv4}) with the credential a session's creation minted: it registers, opens its
 * WebSocket, and Quarry drives it as it drives a listening one. Another environment's credential,
 * or a wrong secret, is refused 403 (the first audited); the secret is shown once only.
 */
class ExecServerDialOutTest {
    static final String CONFIG = """
            agents:
              environments:
                connect_wait_seconds: 60
            """;

    @TempDir
    static Path dir;
    private static TestQuarry quarry;
    private static String key;
    private static OpenAIClient client;
    private static final List<String> logged = new CopyOnWriteArrayList<>();
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record.getLoggerName() + " " + record.getMessage() + " " + record.getThrown());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    /** Held, so that its level and handler stay while the class runs (another test may have quietened the root logger). */
    private static final Logger QUARRY_LOG = Logger.getLogger("dev.quarry");
    private static Level quarryLevel;
    private final List<DialOutExecServer> executors = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(NpmTools.npmAvailable(), "npm is not installed: the Codex exec-server cannot be installed");
        ExecServerProcess.binary();
        quarryLevel = QUARRY_LOG.getLevel();
        QUARRY_LOG.setLevel(Level.INFO);
        QUARRY_LOG.addHandler(CAPTURE);
        quarry = TestQuarry.start(CONFIG, Map.of());
        key = quarry.newKey("dial-out");
        client = AgentTurnsSdkTest.client(quarry, key);
    }

    @AfterAll
    static void stop() {
        QUARRY_LOG.removeHandler(CAPTURE);
        QUARRY_LOG.setLevel(quarryLevel);
        if (quarry != null) quarry.close();
    }

    @AfterEach
    void stopExecutors() throws InterruptedException {
        for (DialOutExecServer executor : executors) executor.close();
    }

    record DialOut(String sessionId, String environmentId, String accessKeyId, String secret, String remoteUrl) {}

    private static DialOut create(Path workspace) {
        JsonNode session = quarry.call("POST", "/v1/agents/sessions", key, """
                {"agent": {"model": "quarry/echo", "instructions": "Fix the repository."},
                 "environment": {"type": "self_hosted", "workspace_directory": "%s"}}""".formatted(workspace)).expect(200);
        JsonNode environment = session.path("environment");
        assertThat(environment.path("status").asText()).isEqualTo("pending");
        assertThat(environment.path("remote_url").asText()).isEqualTo(quarry.baseUrl() + "/v1");
        JsonNode credential = environment.path("quarry_credential");
        assertThat(credential.path("access_key_id").asText()).matches("QENV[A-Z2-7]{16}");
        assertThat(credential.path("secret_access_key").asText()).hasSize(40);
        return new DialOut(session.path("id").asText(), environment.path("id").asText(), credential.path("access_key_id").asText(),
                credential.path("secret_access_key").asText(), environment.path("remote_url").asText());
    }

    private DialOutExecServer executor(DialOut as, String environmentId, String secret) throws Exception {
        Path work = Files.createDirectories(dir.resolve("executor-" + System.nanoTime()));
        DialOutExecServer executor = DialOutExecServer.start(work, as.remoteUrl(), environmentId, as.accessKeyId(), secret);
        executors.add(executor);
        return executor;
    }

    private static void awaitLogged(String text, int times) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (logged.stream().filter(line -> line.contains(text)).count() < times && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(logged.stream().filter(line -> line.contains(text)).count()).as(text).isGreaterThanOrEqualTo(times);
    }

    private static String answer(List<AgentSessionEvent> events) {
        return events.stream().filter(AgentSessionEvent::isTurnOutputTextDone).map(e -> e.asTurnOutputTextDone().text()).reduce((a, b) -> b)
                .orElseThrow();
    }

    @Test
    void anExecutorDialingOutDoesTheTaskAndAfterARestartTheNextTurn() throws Exception {
        Path repo = sampleRepository(dir);
        DialOut created = create(repo);
        JsonNode shown = quarry.call("GET", "/v1/agents/sessions/" + created.sessionId(), key, null).expect(200);
        assertThat(shown.path("environment").has("quarry_credential")).isFalse();
        DialOutExecServer first = executor(created, created.environmentId(), created.secret());

        List<AgentSessionEvent> events = turn(client, created.sessionId(), TASK);

        assertThat(answer(events)).contains("Exit code: 0").contains("2 passed");
        assertThat(Files.readString(repo.resolve("calc.sh"))).contains("echo $(( $1 + $2 ))");
        assertThat(events.stream().map(AgentTurnsSdkTest::type)).contains("agent.session.environment.connected");

        // The run closed its socket at its end; the executor opens a new one a few seconds later, which waits for the next run.
        awaitLogged(created.environmentId() + ": its executor connected", 2);
        first.kill();
        // A socket of an executor that just went away is let go at once, not when a send to it first fails.
        awaitLogged(created.environmentId() + ": its executor's socket closed", 2);
        executor(created, created.environmentId(), created.secret());
        // A file near read_file's 1 MiB limit comes back in one message larger than Helidon's default WebSocket frame.
        Files.writeString(repo.resolve("big.txt"), "0123456789abcdef\n".repeat(60_000));
        List<AgentSessionEvent> again = turn(client, created.sessionId(),
                "[[call read_file {\"path\": \"big.txt\", \"offset\": 59999}]] [[call shell {\"command\": \"bash test.sh && echo again\"}]]");

        assertThat(answer(again)).contains("2 passed").contains("again");
        JsonNode read = ExecServerAgentTest.items(client, created.sessionId()).stream()
                .filter(i -> i.path("type").asText().equals("environment_call") && i.path("name").asText().equals("read_file")).findFirst().orElseThrow();
        assertThat(read.path("output").asText()).contains("0123456789abcdef").doesNotContain("error");
        JsonNode after = quarry.call("GET", "/v1/agents/sessions/" + created.sessionId(), key, null).expect(200);
        assertThat(after.path("environment").path("status").asText()).isEqualTo("connected");
        assertThat(after.toString()).doesNotContain(created.secret());
        List<JsonNode> trail = ExecServerAgentTest.audit(quarry, created.sessionId(),
                e -> e.stream().filter(a -> a.path("action").asText().equals("quarry:RunAgentCommand")).count() >= 2);
        assertThat(trail).extracting(a -> a.path("action").asText()).contains("quarry:ReadAgentFile", "quarry:RunAgentCommand");
        assertThat(trail.toString()).doesNotContain(created.secret());
        assertThat(String.join("\n", logged)).doesNotContain(created.secret());
    }

    @Test
    void anotherEnvironmentsCredentialOrAWrongSecretIsRefused() throws Exception {
        DialOut a = create(Files.createDirectories(dir.resolve("a")));
        DialOut b = create(Files.createDirectories(dir.resolve("b")));

        DialOutExecServer intruder = executor(a, b.environmentId(), a.secret());
        assertThat(intruder.exitWithin(30)).as("the executor gives up when its registration is refused").isNotNull().isNotZero();
        assertThat(intruder.log()).contains("403");
        JsonNode sessionB = quarry.call("GET", "/v1/agents/sessions/" + b.sessionId(), key, null).expect(200);
        assertThat(sessionB.path("environment").path("status").asText()).isEqualTo("pending");
        List<JsonNode> refusals = new ArrayList<>();
        quarry.admin("GET", "/admin/audit?action=quarry:ConnectAgentEnvironment&limit=50", null).expect(200).path("events").forEach(refusals::add);
        assertThat(refusals).anySatisfy(e -> {
            assertThat(e.path("resource").asText()).isEqualTo("agent-environment/" + b.environmentId());
            assertThat(e.path("decision").asText()).isEqualTo("deny");
            assertThat(e.path("principal_name").asText()).isEqualTo("agent-environment/" + a.environmentId());
        });
        assertThat(refusals.toString()).doesNotContain(a.secret());

        DialOutExecServer wrong = executor(a, a.environmentId(), "x".repeat(40));
        assertThat(wrong.exitWithin(30)).isNotNull().isNotZero();
        assertThat(wrong.log()).contains("403");

        // The socket is refused alike: a WebSocket upgrade without a valid signature gets 403.
        String socket = quarry.baseUrl().replace("http://", "ws://") + "/v1/cloud/environment/" + a.environmentId() + "/direct/dreg_1";
        assertThatThrownBy(() -> HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=" + a.accessKeyId() + "/20261207/us-east-1/quarry/aws4_request, "
                        + "SignedHeaders=host;x-amz-date, Signature=" + "0".repeat(64))
                .header("X-Amz-Date", "20261207T000000Z")
                .buildAsync(URI.create(socket), new WebSocket.Listener() {}).join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).as("%s", e.getResponse().body()).isEqualTo(403));
        assertThat(String.join("\n", logged)).doesNotContain(a.secret()).doesNotContain(b.secret());
    }
}
