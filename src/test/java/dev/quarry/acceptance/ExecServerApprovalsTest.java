package dev.quarry.acceptance;

import static dev.quarry.acceptance.AgentTurnsSdkTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.models.beta.agents.AgentSession;
import com.openai.models.beta.agents.AgentSessionEvent;
import com.openai.models.beta.agents.EnvironmentParam;
import com.openai.models.beta.agents.sessions.SessionCreateParams;
import dev.quarry.testing.ExecServerProcess;
import dev.quarry.testing.NpmTools;
import dev.quarry.testing.QuarryCli;
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
 * Human approvals of an agent's environment tools ({@code quarry_require_approval}): a command
 * marked so waits with the session in {@code requires_action} and a {@code quarry_approval}
 * required action; approved, it runs once; denied, the model reads the denial; left unanswered
 * past its expiry, it ends as expired; only a principal allowed {@code quarry:ApproveAgentAction}
 * decides, and only once.
 */
class ExecServerApprovalsTest {
    private static final String EXPIRING = ExecServerAgentTest.CONFIG + "    approval_expiry_seconds: 2\n";

    @TempDir
    static Path dir;
    private static ExecServerProcess executor;
    private static TestQuarry quarry;
    private static TestQuarry expiring;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(NpmTools.npmAvailable(), "npm is not installed: the Codex exec-server cannot be installed");
        executor = ExecServerProcess.start(dir);
        quarry = TestQuarry.start(ExecServerAgentTest.CONFIG, Map.of());
        expiring = TestQuarry.start(EXPIRING, Map.of());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (quarry != null) quarry.close();
        if (expiring != null) expiring.close();
        if (executor != null) executor.close();
    }

    private record Started(OpenAIClient client, String key, String sessionId, Path repo) {}

    /** A session whose shell needs approval, and a turn asking for a command that appends to marker.txt. */
    private static Started waitingCommand(TestQuarry on, String principal) throws Exception {
        Path repo = ExecServerAgentTest.sampleRepository(dir);
        String key = on.newKey(principal);
        OpenAIClient client = AgentTurnsSdkTest.client(on, key);
        EnvironmentParam.SelfHosted environment = EnvironmentParam.SelfHosted.builder().workspaceDirectory(repo.toString())
                .putAdditionalProperty("quarry_connect", JsonValue.from(Map.of("url", executor.url().toString(), "capability_token", executor.token())))
                .putAdditionalProperty("quarry_require_approval", JsonValue.from(List.of("shell")))
                .build();
        AgentSession session = client.beta().agents().sessions().create(SessionCreateParams.builder()
                .agent(SessionCreateParams.Agent.builder().model("quarry/echo").build()).environment(environment).build());
        on.call("POST", "/v1/agents/sessions/" + session.id() + "/events", key, message(
                "[[call list_dir {\\\"path\\\": \\\".\\\"}]] [[call shell {\\\"command\\\": \\\"echo ran >> marker.txt; echo done\\\"}]]"))
                .expect(202);
        return new Started(client, key, session.id(), repo);
    }

    private static String message(String text) {
        return "{\"events\": [{\"type\": \"agent.session.input.message\", \"input\": \"" + text + "\"}]}";
    }

    private static JsonNode awaitStatus(OpenAIClient client, String sessionId, String status) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            JsonNode session = json(client.beta().agents().sessions().retrieve(sessionId));
            if (session.path("status").asText().equals(status) || System.nanoTime() > deadline) return session;
            Thread.sleep(50);
        }
    }

    private static String decide(String approvalId, String decision, String reason) {
        return "{\"events\": [{\"type\": \"agent.session.input.quarry_approval_result\", \"approval_id\": \"" + approvalId
                + "\", \"decision\": \"" + decision + "\"" + (reason == null ? "" : ", \"reason\": \"" + reason + "\"") + "}]}";
    }

    private static JsonNode approvalAction(JsonNode session) {
        for (JsonNode action : session.path("required_actions")) {
            if (action.path("type").asText().equals("quarry_approval")) return action;
        }
        throw new AssertionError("no quarry_approval action in " + session);
    }

    private static String lastAnswer(OpenAIClient client, String sessionId) {
        List<JsonNode> items = ExecServerAgentTest.items(client, sessionId);
        return items.stream().filter(i -> i.path("type").asText().equals("message") && i.path("role").asText().equals("assistant"))
                .map(i -> i.path("content").path(0).path("text").asText()).reduce((a, b) -> b).orElseThrow();
    }

    @Test
    void anApprovedCommandRunsOnceAndOnlyAfterTheApproval() throws Exception {
        Started started = waitingCommand(quarry, "approve-once");
        JsonNode waiting = awaitStatus(started.client(), started.sessionId(), "requires_action");
        JsonNode action = approvalAction(waiting);
        assertThat(action.path("tool").asText()).isEqualTo("shell");
        assertThat(action.path("arguments").asText()).contains("echo ran >> marker.txt");
        Thread.sleep(300);
        assertThat(started.repo().resolve("marker.txt")).doesNotExist();
        // The list_dir of the same answer waits too, so the calls still run in the order the model made them.
        assertThat(ExecServerAgentTest.items(started.client(), started.sessionId()).stream()
                .filter(i -> i.path("type").asText().equals("environment_call")).findFirst().orElseThrow().path("status").asText())
                .isEqualTo("in_progress");

        String path = "/v1/agents/sessions/" + started.sessionId() + "/events";
        quarry.call("POST", path, started.key(), decide(action.path("approval_id").asText(), "approve", null)).expect(202);
        awaitStatus(started.client(), started.sessionId(), "idle");
        assertThat(Files.readAllLines(started.repo().resolve("marker.txt"))).containsExactly("ran");
        assertThat(lastAnswer(started.client(), started.sessionId())).contains("Exit code: 0").contains("done");

        JsonNode again = quarry.call("POST", path, started.key(), decide(action.path("approval_id").asText(), "approve", null)).expect(409);
        assertThat(again.toString()).contains("approval_decided");
        assertThat(Files.readAllLines(started.repo().resolve("marker.txt"))).containsExactly("ran");
    }

    @Test
    void aDeniedCommandIsNotRunAndTheModelReadsWhy() throws Exception {
        Started started = waitingCommand(quarry, "deny");
        JsonNode action = approvalAction(awaitStatus(started.client(), started.sessionId(), "requires_action"));
        quarry.call("POST", "/v1/agents/sessions/" + started.sessionId() + "/events", started.key(),
                decide(action.path("approval_id").asText(), "deny", "not on a Friday")).expect(202);
        awaitStatus(started.client(), started.sessionId(), "idle");
        assertThat(started.repo().resolve("marker.txt")).doesNotExist();
        assertThat(lastAnswer(started.client(), started.sessionId())).contains("denied").contains("not on a Friday");
        JsonNode command = ExecServerAgentTest.items(started.client(), started.sessionId()).stream()
                .filter(i -> i.path("type").asText().equals("command_execution")).findFirst().orElseThrow();
        assertThat(command.path("status").asText()).isEqualTo("failed");
    }

    @Test
    void anApprovalLeftUnansweredExpiresAndTheTurnGoesOn() throws Exception {
        Started started = waitingCommand(expiring, "expire");
        awaitStatus(started.client(), started.sessionId(), "requires_action");
        awaitStatus(started.client(), started.sessionId(), "idle");
        assertThat(started.repo().resolve("marker.txt")).doesNotExist();
        assertThat(lastAnswer(started.client(), started.sessionId())).contains("approval_expired");
    }

    @Test
    void theCliShowsTheHeldCallAndApprovesIt() throws Exception {
        Started started = waitingCommand(quarry, "cli-approver");
        JsonNode action = approvalAction(awaitStatus(started.client(), started.sessionId(), "requires_action"));
        String approvalId = action.path("approval_id").asText();
        String shown = QuarryCli.succeed(QuarryCli.against(quarry, "agents", "sessions", "show", started.sessionId(), "--key", started.key()));
        assertThat(shown).contains("requires_action: quarry_approval " + approvalId + " shell").contains("echo ran >> marker.txt");
        String approved = QuarryCli.succeed(QuarryCli.against(quarry, "agents", "sessions", "approve", started.sessionId(), approvalId,
                "--key", started.key()));
        assertThat(approved).contains("approved " + approvalId);
        awaitStatus(started.client(), started.sessionId(), "idle");
        assertThat(Files.readAllLines(started.repo().resolve("marker.txt"))).containsExactly("ran");
        QuarryCli.Output again = QuarryCli.run(QuarryCli.against(quarry, "agents", "sessions", "deny", started.sessionId(), approvalId,
                "--reason", "too late", "--key", started.key()));
        assertThat(again.code()).isNotZero();
        assertThat(again.stderr()).contains("approval_decided");
    }

    @Test
    void onlyAPrincipalAllowedToApproveDecides() throws Exception {
        Started started = waitingCommand(quarry, "no-approver");
        quarry.admin("PUT", "/admin/policies/NoApprovals", """
                {"Statement": [{"Effect": "Deny", "Action": "quarry:ApproveAgentAction", "Resource": "agent-session/*"}]}""").expect(200);
        quarry.admin("POST", "/admin/policies/NoApprovals/attachments", "{\"target_type\": \"principal\", \"target_name\": \"no-approver\"}");
        JsonNode action = approvalAction(awaitStatus(started.client(), started.sessionId(), "requires_action"));
        String path = "/v1/agents/sessions/" + started.sessionId() + "/events";
        quarry.call("POST", path, started.key(), decide(action.path("approval_id").asText(), "approve", null)).expect(403);
        // Another principal does not see the session at all.
        quarry.call("POST", path, quarry.newKey("stranger"), decide(action.path("approval_id").asText(), "approve", null)).expect(404);
        assertThat(awaitStatus(started.client(), started.sessionId(), "requires_action").path("status").asText()).isEqualTo("requires_action");
        assertThat(started.repo().resolve("marker.txt")).doesNotExist();
    }
}
