package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quarry.metering.UsageRecord;
import dev.quarry.testing.NpmTools;
import dev.quarry.testing.TestQuarry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Codex CLI runs a turn through Quarry: it sends Responses requests, the echo model
 * answers with a scripted {@code exec_command} tool call, Codex runs it (writing a file) and
 * sends the result back, and the echo model closes the turn. Codex is installed from npm into a
 * cache folder outside the repository on first use.
 */
class CodexCliTest {

    @TempDir
    Path tmp;

    @Test
    void codexExecRunsAScriptedShellCallThroughQuarry() throws Exception {
        assumeTrue(NpmTools.npmAvailable(), "npm is not installed, so the Codex CLI acceptance test cannot run (install Node.js and npm)");
        Path codex = NpmTools.install(NpmTools.CODEX, "codex");

        try (TestQuarry quarry = TestQuarry.start()) {
            Path home = Files.createDirectories(tmp.resolve("codex-home"));
            Path work = Files.createDirectories(tmp.resolve("work"));
            Files.writeString(home.resolve("config.toml"), """
                    model = "quarry/echo"
                    model_provider = "quarry"
                    check_for_update_on_startup = false

                    [analytics]
                    enabled = false

                    [feedback]
                    enabled = false

                    [features]
                    plugins = false

                    [model_providers.quarry]
                    name = "Quarry"
                    base_url = "%s/v1"
                    env_key = "QUARRY_KEY"
                    wire_api = "responses"
                    request_max_retries = 0
                    stream_max_retries = 0
                    """.formatted(quarry.baseUrl()));

            ProcessBuilder builder = new ProcessBuilder(codex.toString(), "exec", "--skip-git-repo-check",
                    "--dangerously-bypass-approvals-and-sandbox", "-m", "quarry/echo",
                    "Please run: [[call exec_command {\"cmd\":\"echo quarry-was-here > out.txt\"}]]")
                    .directory(work.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("codex.log").toFile());
            builder.environment().put("CODEX_HOME", home.toString());
            builder.environment().put("QUARRY_KEY", quarry.newKey("codex"));
            Process process = builder.start();
            boolean finished = process.waitFor(120, TimeUnit.SECONDS);
            String log = Files.readString(tmp.resolve("codex.log"));
            if (!finished) process.destroyForcibly();
            assertThat(finished).as("codex exec finished; its output:\n" + log).isTrue();
            assertThat(process.exitValue()).as("codex exit code; its output:\n" + log).isZero();

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
}
