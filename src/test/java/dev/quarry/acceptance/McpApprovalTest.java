package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.testing.StubMcpServer;
import dev.quarry.testing.TestQuarry;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MCP tools marked {@code quarry_require_approval} (Quarry's extension): a call waits for a
 * person; approved, the server gets it once; denied, the server never does and the model reads
 * why. Other tools of the same server, and the same answer, run without waiting.
 */
class McpApprovalTest {
    private static final StubMcpServer STUB = new StubMcpServer();
    private static TestQuarry quarry;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start("""
                agents:
                  mcp:
                    allow_insecure_hosts: ["127.0.0.1"]
                    allow_private_hosts: ["127.0.0.1"]
                """, Map.of());
    }

    @AfterAll
    static void stop() {
        if (quarry != null) quarry.close();
        STUB.close();
    }

    private record Waiting(String key, String sessionId, JsonNode action) {}

    private static Waiting heldCall(String principal, String text) throws InterruptedException {
        String key = quarry.newKey(principal);
        JsonNode session = quarry.call("POST", "/v1/agents/sessions", key, """
                {"agent": {"model": "quarry/echo", "tools": [{"type": "mcp", "server_label": "tools",
                  "transport": {"type": "http", "server_url": "%s"}, "quarry_require_approval": ["echo"]}]}}""".formatted(STUB.url())).expect(200);
        String id = session.path("id").asText();
        assertThat(session.path("agent").path("tools").path(0).path("quarry_require_approval").toString()).isEqualTo("[\"echo\"]");
        quarry.call("POST", "/v1/agents/sessions/" + id + "/events", key,
                "{\"events\": [{\"type\": \"agent.session.input.message\", \"input\": " + dev.quarry.surface.Json.MAPPER.valueToTree(text) + "}]}")
                .expect(202);
        JsonNode waiting = await(key, id, "requires_action");
        JsonNode action = null;
        for (JsonNode a : waiting.path("required_actions")) if (a.path("type").asText().equals("quarry_approval")) action = a;
        assertThat(action).as("a quarry_approval action in " + waiting).isNotNull();
        return new Waiting(key, id, action);
    }

    private static JsonNode await(String key, String id, String status) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            JsonNode session = quarry.call("GET", "/v1/agents/sessions/" + id, key, null).expect(200);
            if (session.path("status").asText().equals(status) || System.nanoTime() > deadline) return session;
            Thread.sleep(50);
        }
    }

    private static String decide(Waiting waiting, String decision) {
        return "{\"events\": [{\"type\": \"agent.session.input.quarry_approval_result\", \"approval_id\": \""
                + waiting.action().path("approval_id").asText() + "\", \"decision\": \"" + decision + "\", \"reason\": \"checked\"}]}";
    }

    private static String lastText(String key, String id) {
        return quarry.call("GET", "/v1/agents/sessions/" + id + "/items?order=desc&limit=1", key, null).expect(200)
                .path("data").path(0).path("content").path(0).path("text").asText();
    }

    @Test
    void anApprovedCallReachesTheServerOnceAndOnlyAfterTheApproval() throws Exception {
        int before = STUB.calls("echo");
        Waiting waiting = heldCall("mcp-approve", "[[call tools__echo {\"text\": \"approve me\"}]]");
        assertThat(waiting.action().path("tool").asText()).isEqualTo("tools__echo");
        assertThat(waiting.action().path("arguments").asText()).contains("approve me");
        Thread.sleep(200);
        assertThat(STUB.calls("echo")).isEqualTo(before);

        quarry.call("POST", "/v1/agents/sessions/" + waiting.sessionId() + "/events", waiting.key(), decide(waiting, "approve")).expect(202);
        await(waiting.key(), waiting.sessionId(), "idle");

        assertThat(STUB.calls("echo")).isEqualTo(before + 1);
        assertThat(lastText(waiting.key(), waiting.sessionId())).contains("approve me");
    }

    @Test
    void aDeniedCallNeverReachesTheServer() throws Exception {
        int before = STUB.calls("echo");
        Waiting waiting = heldCall("mcp-deny", "[[call tools__echo {\"text\": \"deny me\"}]]");
        quarry.call("POST", "/v1/agents/sessions/" + waiting.sessionId() + "/events", waiting.key(), decide(waiting, "deny")).expect(202);
        await(waiting.key(), waiting.sessionId(), "idle");
        assertThat(STUB.calls("echo")).isEqualTo(before);
        assertThat(lastText(waiting.key(), waiting.sessionId())).contains("denied").contains("checked");
    }

    @Test
    void aReasonWithNulIsRefusedAndTheApprovalStaysPending() throws Exception {
        Waiting waiting = heldCall("mcp-nul-reason", "[[call tools__echo {\"text\": \"nul\"}]]");
        JsonNode refused = quarry.call("POST", "/v1/agents/sessions/" + waiting.sessionId() + "/events", waiting.key(),
                decide(waiting, "deny").replace("\"checked\"", "\"a\\u0000b\"")).expect(400);
        assertThat(refused.path("error").path("param").asText()).isEqualTo("events[0].reason");
        assertThat(await(waiting.key(), waiting.sessionId(), "requires_action").path("status").asText()).isEqualTo("requires_action");
    }

    @Test
    void refusedMarkingsAreClearErrors() {
        String key = quarry.newKey("mcp-bad-approval");
        JsonNode refused = quarry.call("POST", "/v1/agents/sessions", key, """
                {"agent": {"model": "quarry/echo", "tools": [{"type": "mcp", "server_label": "tools",
                  "transport": {"type": "http", "server_url": "%s"}, "quarry_require_approval": "sometimes"}]}}""".formatted(STUB.url())).expect(400);
        assertThat(refused.path("error").path("param").asText()).isEqualTo("agent.tools[0].quarry_require_approval");
    }
}
