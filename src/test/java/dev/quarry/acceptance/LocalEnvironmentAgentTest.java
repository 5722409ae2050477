package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.agents.environment.Bubblewrap;
import dev.quarry.testing.TestQuarry;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code quarry_local}: an agent's commands and files in a folder of its own on the Quarry node,
 * commands sandboxed by bubblewrap with no network. Runs only where bubblewrap can make a sandbox
 * (the probe's reason is the skip message); without it, creating such a session is refused.
 */
class LocalEnvironmentAgentTest {
    private static TestQuarry quarry;
    private static Bubblewrap.Probe probe;

    @BeforeAll
    static void start() {
        probe = Bubblewrap.onPath().probe();
        quarry = TestQuarry.start("", Map.of());
    }

    @AfterAll
    static void stop() {
        if (quarry != null) quarry.close();
    }

    private static String session(String key, String network) {
        JsonNode created = quarry.call("POST", "/v1/agents/sessions", key, """
                {"agent": {"model": "quarry/echo"}, "environment": {"type": "quarry_local", "network": "%s", "limits": {"memory_mb": 512}}}"""
                .formatted(network)).expect(200);
        assertThat(created.path("environment").path("type").asText()).isEqualTo("quarry_local");
        return created.path("id").asText();
    }

    private static String turn(String key, String sessionId, String text) throws InterruptedException {
        quarry.call("POST", "/v1/agents/sessions/" + sessionId + "/events", key,
                "{\"events\": [{\"type\": \"agent.session.input.message\", \"input\": " + dev.quarry.surface.Json.MAPPER.valueToTree(text) + "}]}")
                .expect(202);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode session = quarry.call("GET", "/v1/agents/sessions/" + sessionId, key, null).expect(200);
            if (session.path("status").asText().equals("idle")) break;
            Thread.sleep(50);
        }
        JsonNode items = quarry.call("GET", "/v1/agents/sessions/" + sessionId + "/items?order=desc&limit=1", key, null).expect(200);
        return items.path("data").path(0).path("content").path(0).path("text").asText();
    }

    @Test
    void filesAndCommandsStayInTheSessionsOwnFolderWithoutNetwork() throws Exception {
        Assumptions.assumeTrue(probe.available(), () -> "bubblewrap cannot make a sandbox here: " + probe.reason());
        String key = quarry.newKey("local-agent");
        String sessionId = session(key, "disabled");
        try (ServerSocket listening = new ServerSocket(0)) {
            String answer = turn(key, sessionId, "[[call write_file {\"path\": \"notes/hello.txt\", \"content\": \"héllo\"}]] "
                    + "[[call shell {\"command\": \"cat notes/hello.txt; pwd; (exec 3<>/dev/tcp/127.0.0.1/" + listening.getLocalPort()
                    + " && echo NET-OPEN) || echo NET-CLOSED; touch /usr/quarry-escape 2>/dev/null || echo RO-USR\"}]]");
            assertThat(answer).contains("héllo").contains("NET-CLOSED").contains("RO-USR").doesNotContain("NET-OPEN");
        }
        Path workspace = quarry.dataDir().resolve("agents/workspaces").resolve(sessionId);
        assertThat(Files.readString(workspace.resolve("notes/hello.txt"))).isEqualTo("héllo");
        assertThat(Path.of("/usr/quarry-escape")).doesNotExist();
        String outside = turn(key, sessionId, "[[call read_file {\"path\": \"../../../../etc/passwd\"}]]");
        assertThat(outside).contains("is outside the workspace");
    }
}
