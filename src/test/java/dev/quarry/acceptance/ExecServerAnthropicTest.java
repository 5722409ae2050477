package dev.quarry.acceptance;

import static dev.quarry.acceptance.EnvironmentSessions.JSON;
import static dev.quarry.provider.UpstreamScript.answer;
import static dev.quarry.provider.UpstreamScript.text;
import static dev.quarry.provider.UpstreamScript.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.provider.anthropic.AnthropicStub;
import dev.quarry.testing.ExecServerProcess;
import dev.quarry.testing.NpmTools;
import dev.quarry.testing.TestQuarry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ExecServerAgentTest}'s task on a model behind Anthropic's Messages API (a stub that speaks
 * its exact streaming format): the model's {@code tool_use} blocks run on the real
 * {@code codex exec-server}, and their results go back to it as {@code tool_result} blocks.
 */
class ExecServerAnthropicTest {
    @TempDir
    Path dir;

    @Test
    void aClaudeModelListsPatchesAndTestsARepositoryThroughTheExecServer() throws Exception {
        Assumptions.assumeTrue(NpmTools.npmAvailable(), "npm is not installed: the Codex exec-server cannot be installed");
        Path repo = ExecServerAgentTest.sampleRepository(dir);
        String patch = "*** Begin Patch\n*** Update File: calc.sh\n@@ add() {\n-  echo $(( $1 - $2 ))\n+  echo $(( $1 + $2 ))\n*** End Patch";
        try (AnthropicStub upstream = new AnthropicStub();
             ExecServerProcess executor = ExecServerProcess.start(dir);
             TestQuarry quarry = TestQuarry.start("""
                     providers:
                       - { name: up, type: anthropic, api_key_env: UP_KEY, base_url: "%s" }
                     models:
                       - { id: claude-agent, deployments: [{ provider: up, model: claude-upstream }] }
                     """.formatted(upstream.baseUrl()) + ExecServerAgentTest.CONFIG, Map.of("UP_KEY", "sk-ant-stub"))) {
            upstream.then(answer(text("Looking first."),
                    toolCall("toolu_list", "list_dir", JSON.createObjectNode().put("path", ".").toString()),
                    toolCall("toolu_patch", "apply_patch", JSON.createObjectNode().put("input", patch).toString()),
                    toolCall("toolu_test", "shell", JSON.createObjectNode().put("command", "bash test.sh").toString())));
            upstream.then(answer(text("Fixed: the tests say 2 passed.")));
            EnvironmentSessions sessions = new EnvironmentSessions(quarry.baseUrl(), quarry.newKey("anthropic-exec-server"));
            String id = sessions.create(JSON.createObjectNode().put("model", "claude-agent").put("instructions", "Fix the repository."),
                    EnvironmentSessions.selfHosted(repo, executor.url().toString(), executor.token()));

            sessions.run(id, "Fix calc.sh and run the tests.");

            assertThat(sessions.turns(id)).extracting(t -> t.path("status").asText()).containsExactly("completed");
            assertThat(sessions.lastAnswer(id)).contains("2 passed");
            assertThat(Files.readString(repo.resolve("calc.sh"))).contains("echo $(( $1 + $2 ))");
            List<JsonNode> calls = sessions.items(id, "environment_call");
            assertThat(calls).extracting(c -> c.path("name").asText()).containsExactly("list_dir", "apply_patch");
            assertThat(calls).extracting(c -> c.path("status").asText()).containsExactly("completed", "completed");
            JsonNode command = sessions.items(id, "command_execution").getFirst();
            assertThat(command.path("status").asText()).isEqualTo("completed");
            assertThat(command.path("exit_code").asInt()).isZero();
            assertThat(command.path("output").asText()).contains("2 passed");

            assertThat(upstream.requests()).hasSize(2);
            JsonNode first = JSON.readTree(upstream.requests().getFirst().body());
            assertThat(first.path("tools").findValuesAsText("name")).contains("shell", "read_file", "list_dir", "write_file", "apply_patch");
            JsonNode second = JSON.readTree(upstream.requests().get(1).body());
            JsonNode results = second.path("messages").get(second.path("messages").size() - 1);
            assertThat(results.path("role").asText()).isEqualTo("user");
            List<JsonNode> blocks = StreamSupport.stream(results.path("content").spliterator(), false).toList();
            assertThat(blocks).extracting(b -> b.path("type").asText()).containsExactly("tool_result", "tool_result", "tool_result");
            assertThat(blocks).extracting(b -> b.path("tool_use_id").asText()).containsExactly("toolu_list", "toolu_patch", "toolu_test");
            assertThat(blocks.get(0).path("content").toString()).contains("calc.sh").contains("test.sh");
            assertThat(blocks.get(2).path("content").toString()).contains("2 passed");
            assertThat(blocks).allSatisfy(b -> assertThat(b.path("is_error").asBoolean(false)).isFalse());
            JsonNode asked = second.path("messages").get(second.path("messages").size() - 2);
            assertThat(asked.path("role").asText()).isEqualTo("assistant");
            assertThat(asked.path("content").findValuesAsText("type")).containsExactly("text", "tool_use", "tool_use", "tool_use");
        }
    }
}
