package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quarry.metering.UsageRecord;
import dev.quarry.testing.NpmTools;
import dev.quarry.testing.TestQuarry;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Claude Code runs turns through Quarry in print mode: it streams Messages requests, the
 * echo model answers with a scripted call of one of Claude Code's tools, Claude Code runs it and
 * sends the result back, and the echo model closes the turn by reporting that result. Claude
 * Code is installed from npm into a cache folder outside the repository on first use.
 */
class ClaudeCodeTest {

    @TempDir
    Path tmp;
    TestQuarry quarry;
    Path claude;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(NpmTools.npmAvailable(), "npm is not installed, so the Claude Code acceptance test cannot run (install Node.js and npm)");
        claude = NpmTools.install(NpmTools.CLAUDE_CODE, "claude");
        quarry = TestQuarry.start();
    }

    @AfterEach
    void stop() {
        if (quarry != null) quarry.close();
    }

    @Test
    void claudeCodeRunsAScriptedBashCallThroughQuarry() throws Exception {
        String log = runClaude("Please run: [[call Bash {\"command\":\"echo quarry-was-here > out.txt\",\"description\":\"Write a file\"}]]");

        Path written = tmp.resolve("work/out.txt");
        assertThat(written).as("the file Claude Code's Bash call wrote; its output:\n" + log).exists();
        assertThat(Files.readString(written).strip()).isEqualTo("quarry-was-here");
        assertThat(log).contains("Tool call_echo_1 returned");
        assertEveryCallBilledAndCompleted();
    }

    /**
     * Claude Code declares most of its tools as deferred and loads them with its ToolSearch tool,
     * whose result holds {@code tool_reference} blocks. Refusing them costs two failed requests
     * before Claude Code strips them and carries on; Quarry accepts them.
     */
    @Test
    void claudeCodesToolSearchLoadsADeferredToolWithoutARefusal() throws Exception {
        String log = runClaude("[[call ToolSearch {\"query\":\"select:WebFetch\"}]]");

        assertThat(log).contains("Tool call_echo_1 returned: Tool WebFetch is loaded and can be called now.");
        assertEveryCallBilledAndCompleted();
    }

    /** Runs {@code claude -p} on the echo model in a fresh home and working folder; returns its output. */
    private String runClaude(String prompt) throws IOException, InterruptedException {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        ProcessBuilder builder = new ProcessBuilder(claude.toString(), "-p", "--dangerously-skip-permissions",
                "--model", "quarry/echo", prompt)
                .directory(work.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("claude.log").toFile());
        var env = builder.environment();
        // A developer's own Claude Code settings (a token, another base URL) must not leak into the run.
        env.keySet().removeIf(name -> name.startsWith("ANTHROPIC_") || name.startsWith("CLAUDE_"));
        env.put("HOME", home.toString());
        env.put("ANTHROPIC_BASE_URL", quarry.baseUrl());
        env.put("ANTHROPIC_API_KEY", quarry.newKey("claude-code"));
        // No update checks, telemetry or error reports: the test runs offline.
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        // Claude Code refuses --dangerously-skip-permissions as root unless told it runs in a sandbox.
        env.put("IS_SANDBOX", "1");
        Process process = builder.start();
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        String log = Files.readString(tmp.resolve("claude.log"));
        if (!finished) process.destroyForcibly();
        assertThat(finished).as("claude -p finished; its output:\n" + log).isTrue();
        assertThat(process.exitValue()).as("claude exit code; its output:\n" + log).isZero();
        return log;
    }

    /** The tool call and the answer to its result: two model calls, none refused. */
    private void assertEveryCallBilledAndCompleted() {
        List<UsageRecord> ledger = quarry.ledgerFor("claude-code", 20);
        assertThat(ledger).hasSize(2)
                .allSatisfy(r -> {
                    assertThat(r.surface()).isEqualTo("anthropic.messages");
                    assertThat(r.model()).isEqualTo("quarry/echo");
                    assertThat(r.status()).isEqualTo("completed");
                    assertThat(r.usage().inputTokens()).isPositive();
                });
    }
}
