package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.quarry.provider.UpstreamScript.answer;
import static dev.quarry.provider.UpstreamScript.text;
import static dev.quarry.provider.UpstreamScript.toolCall;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.metering.UsageRecord;
import dev.quarry.testing.NpmTools;
import dev.quarry.testing.TestQuarry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real Codex CLI runs a turn through Quarry: it sends Responses requests, the echo model
 * answers with a scripted {@code exec_command} tool call, Codex runs it (writing a file) and
 * sends the result back, and the echo model closes the turn. Codex is installed from npm into a
 * cache folder outside the repository on first use.
 */
class CodexCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void codexExecRunsAScriptedShellCallThroughQuarry() throws Exception {
        assumeTrue(NpmTools.npmAvailable(), "npm is not installed, so the Codex CLI acceptance test cannot run (install Node.js and npm)");
        Path codex = NpmTools.install(NpmTools.CODEX, "codex");

        try (TestQuarry quarry = TestQuarry.start()) {
            Path work = Files.createDirectories(tmp.resolve("work"));
            String log = runCodex(codex, quarry, "quarry/echo", "", work,
                    "Please run: [[call exec_command {\"cmd\":\"echo quarry-was-here > out.txt\"}]]");

            assertThat(work.resolve("out.txt")).as("the file Codex's shell call wrote").exists();
            assertThat(Files.readString(work.resolve("out.txt")).strip()).isEqualTo("quarry-was-here");
            assertThat(log).contains("Tool call_echo_1 returned");

            List<UsageRecord> ledger = quarry.ledgerFor("codex", 10);
            assertThat(ledger).hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(r -> {
                        assertThat(r.surface()).isEqualTo("openai.responses");
                        assertThat(r.model()).isEqualTo("quarry/echo");
                        assertThat(r.status()).isEqualTo("completed");
                        assertThat(r.usage().inputTokens()).isPositive();
                    });
        }
    }

    /**
     * Codex offers apply_patch as a free-form (custom) tool with a grammar; an upstream with only JSON
     * tools (Bedrock Converse, Anthropic Messages, Gemini, Chat Completions) gets it as a function
     * taking one string. The stub model calls that function with a patch; Codex must receive a
     * custom_tool_call with the raw patch, apply it (writing the file), and send the result back,
     * which the upstream must see as its own kind of tool result. The model is deployed under the id
     * gpt-5.5 because Codex offers apply_patch only to models its built-in catalog lists as taking it
     * free-form; the id is only a catalog name, the answers come from the stub.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(PatchUpstream.Wire.class)
    void codexAppliesAPatchThatAJsonToolsModelWroteThroughTheFunctionFormOfItsFreeFormTool(PatchUpstream.Wire wire) throws Exception {
        assumeTrue(NpmTools.npmAvailable(), "npm is not installed, so the Codex CLI acceptance test cannot run (install Node.js and npm)");
        Path codex = NpmTools.install(NpmTools.CODEX, "codex");
        String patch = "*** Begin Patch\n*** Add File: hello.txt\n+patched through quarry\n*** End Patch\n";

        try (PatchUpstream upstream = PatchUpstream.start(wire);
             TestQuarry quarry = TestQuarry.start("""
                     providers:
                       - %s
                     models:
                       - { id: gpt-5.5, deployments: [{ provider: up, model: %s }] }
                     """.formatted(upstream.provider(), upstream.upstreamModel()), upstream.environment())) {
            upstream.then(answer(toolCall("call_patch", "apply_patch", JSON.createObjectNode().put("input", patch).toString())));
            for (int i = 0; i < 4; i++) upstream.then(answer(text("Patched.")));
            Path work = Files.createDirectories(tmp.resolve("work-" + wire));
            String log = runCodex(codex, quarry, "gpt-5.5", "apply_patch_freeform = true\n", work, "Create hello.txt.");

            assertThat(upstream.firstBody().findValuesAsText("name")).as("the tools the model was offered").contains("apply_patch");
            assertThat(work.resolve("hello.txt")).as("the file Codex's patch added; its output:\n" + log).exists();
            assertThat(Files.readString(work.resolve("hello.txt"))).isEqualTo("patched through quarry\n");
            assertThat(upstream.secondBody()).as("the patch's result went back to the model in its own format")
                    .contains(wire.toolResultMarker(), "call_patch");
        }
    }

    /**
     * Runs {@code codex exec} on {@code model} through Quarry, offline (no update check, analytics,
     * feedback or plugins), in {@code work} with a home of its own; asserts it finished with exit 0
     * and returns its output.
     */
    private String runCodex(Path codex, TestQuarry quarry, String model, String features, Path work, String prompt) throws Exception {
        Path home = Files.createDirectories(work.resolveSibling(work.getFileName() + "-codex-home"));
        Files.writeString(home.resolve("config.toml"), """
                model = "%s"
                model_provider = "quarry"
                check_for_update_on_startup = false

                [analytics]
                enabled = false

                [feedback]
                enabled = false

                [features]
                plugins = false
                %s
                [model_providers.quarry]
                name = "Quarry"
                base_url = "%s/v1"
                env_key = "QUARRY_KEY"
                wire_api = "responses"
                request_max_retries = 0
                stream_max_retries = 0
                """.formatted(model, features, quarry.baseUrl()));
        Path output = work.resolveSibling(work.getFileName() + "-codex.log");
        ProcessBuilder builder = new ProcessBuilder(codex.toString(), "exec", "--skip-git-repo-check",
                "--dangerously-bypass-approvals-and-sandbox", "-m", model, prompt)
                .directory(work.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("CODEX_HOME", home.toString());
        builder.environment().put("QUARRY_KEY", quarry.newKey("codex"));
        Process process = builder.start();
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        String log = Files.readString(output);
        if (!finished) process.destroyForcibly();
        assertThat(finished).as("codex exec finished; its output:\n" + log).isTrue();
        assertThat(process.exitValue()).as("codex exit code; its output:\n" + log).isZero();
        return log;
    }
}
