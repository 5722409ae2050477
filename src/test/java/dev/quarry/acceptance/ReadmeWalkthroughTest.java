package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.testing.NpmTools;
import dev.quarry.testing.QuarryProcess;
import dev.quarry.testing.ReadmeBlocks;
import dev.quarry.testing.ReadmeBlocks.Block;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's walkthroughs, run as a reader pastes them: the blocks marked
 * {@code <!-- walkthrough NAME -->} are saved or run in one shell, in README order, in a fresh
 * folder with a fresh home. Only what a sandbox needs is changed, and only here: {@code ./quarry}
 * is this build's command line (no Maven build inside a test), the server listens on a free port
 * instead of 8080 (the URLs in the blocks are rewritten to match, and {@code QUARRY_URL} tells the
 * command line), and Codex and Claude Code come from the test cache. If the README drifts from the
 * product, this fails.
 */
class ReadmeWalkthroughTest {
    private static Map<String, List<Block>> walkthroughs;

    @TempDir
    Path tmp;

    @BeforeAll
    static void readReadme() throws Exception {
        walkthroughs = ReadmeBlocks.read(ReadmeBlocks.readme());
    }

    @Test
    void theTourAnAgentSessionTheCodingAgentsAndThePolicyExampleWorkAsPasted() throws Exception {
        List<String> names = new ArrayList<>(List.of("tour", "agents"));
        boolean agents = NpmTools.npmAvailable();
        if (agents) names.addAll(List.of("codex", "claude-code"));
        names.add("policy");
        Run run = run(names, agents);

        assertThat(run.log()).as("the tour's chat call").contains("You said: Hello, Quarry");
        assertThat(run.log()).as("the tour's model list").contains("quarry/echo");
        assertThat(run.log()).as("the agent session's first turn, streamed to idle")
                .contains("event: agent.session.created").contains("\"delta\":\"You said: hello\"")
                .contains("event: agent.session.turn.completed").contains("event: agent.session.idle");
        if (agents) {
            assertThat(written(run, "out.txt")).as("the file Codex wrote").isEqualTo("quarry-was-here");
            assertThat(written(run, "hello.txt")).as("the file Claude Code wrote").isEqualTo("hi");
        }
        assertThat(run.exits()).as("each command's exit code, as the README's comments promise; the log:\n" + run.log())
                .containsSubsequence("0 simulate", "2 simulate")
                .filteredOn(exit -> !exit.startsWith("0 ")).containsExactly("2 simulate");
        assertThat(run.log()).contains("ALLOWED").contains("DENIED").contains("GptOnlyInTheEu");
    }

    @Test
    void theGuardrailExampleLetsEverydayPromptsThroughAndNamesWhatItBlocks() throws Exception {
        Run run = run(List.of("guardrail"), false);

        assertThat(run.exits()).as("the log:\n" + run.log()).allMatch(exit -> exit.startsWith("0 "));
        assertThat(run.log()).as("everyday prompts answered")
                .contains("You said: Can you help me reset my password?")
                .contains("You said: My order number is 12345, when will it ship?");
        assertThat(run.log()).as("an attack and a card number blocked, naming the policy type")
                .contains("Sorry, I can't help with that request.")
                .containsIgnoringCase("X-Quarry-Guardrail-Blocked-By: contentPolicy/PROMPT_ATTACK")
                .containsIgnoringCase("X-Quarry-Guardrail-Blocked-By: sensitiveInformationPolicy")
                .doesNotContain("You said: Ignore all previous instructions")
                .doesNotContain("You said: Please charge my card");
    }

    private record Run(Path work, String log, List<String> exits) {}

    private static String written(Run run, String file) throws java.io.IOException {
        Path path = run.work().resolve(file);
        assertThat(path).as(file + " was written; the walkthrough's log:\n" + run.log()).exists();
        return Files.readString(path).strip();
    }

    /**
     * Writes the walkthroughs' files, then runs their shell blocks as one script (the server one
     * block starts in the background serves the later ones), and stops what it started. After
     * each command of a block the script notes its exit code, so the README's "exit 2" is checked.
     */
    private Run run(List<String> names, boolean agents) throws Exception {
        int port = QuarryProcess.freePort();
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path quarry = work.resolve("quarry");
        Files.writeString(quarry, "#!/usr/bin/env bash\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' --enable-native-access=ALL-UNNAMED -cp '" + System.getProperty("java.class.path") + "' dev.quarry.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(quarry, PosixFilePermissions.fromString("rwxr-xr-x"));

        StringBuilder script = new StringBuilder("""
                set -u
                trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null' EXIT
                note() { echo "@@exit $1 $2" >> exits.log; }
                """);
        for (String name : names) {
            List<Block> blocks = walkthroughs.get(name);
            assertThat(blocks).as("README walkthrough '" + name + "'").isNotNull();
            for (Block block : blocks) {
                String text = sandboxed(block.text(), port);
                if (block.file() != null) {
                    Path file = block.file().startsWith("~/") ? home.resolve(block.file().substring(2)) : work.resolve(block.file());
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, text);
                } else {
                    script.append(noted(text));
                }
            }
        }
        Path scriptFile = work.resolve("walkthrough.sh");
        Files.writeString(scriptFile, script);

        ProcessBuilder builder = new ProcessBuilder("bash", scriptFile.toString()).directory(work.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("walkthrough.log").toFile());
        var env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("QUARRY_") || k.startsWith("ANTHROPIC_") || k.startsWith("CLAUDE_")
                || k.startsWith("OPENAI_") || k.startsWith("CODEX_"));
        env.put("HOME", home.toString());
        // Codex makes its sandbox helper only outside the temporary folder; with bubblewrap on the machine, its
        // workspace-write sandbox needs that helper, and a home under /tmp would lack it.
        env.put("TMPDIR", Files.createDirectories(tmp.resolve("tmpdir")).toString());
        env.put("QUARRY_URL", "http://127.0.0.1:" + port);
        if (agents) {
            Path codex = NpmTools.install(NpmTools.CODEX, "codex");
            Path claude = NpmTools.install(NpmTools.CLAUDE_CODE, "claude");
            env.put("PATH", codex.getParent() + ":" + claude.getParent() + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        }
        Process process = builder.start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        if (!finished) process.destroyForcibly().waitFor();
        String log = Files.readString(tmp.resolve("walkthrough.log"));
        assertThat(finished).as("the walkthroughs finished; their output:\n" + log).isTrue();
        log = "--- the script, as run:\n" + script + "--- its output:\n" + log;
        Path exits = work.resolve("exits.log");
        List<String> codes = Files.exists(exits)
                ? Files.readAllLines(exits).stream().map(l -> l.substring("@@exit ".length())).toList() : List.of();
        return new Run(work, log, codes);
    }

    /** The blocks as they would run on this machine's free port rather than 8080. */
    private static String sandboxed(String text, int port) {
        return text.replace("127.0.0.1:8080", "127.0.0.1:" + port).replace("./quarry serve", "./quarry serve --port " + port);
    }

    /**
     * After each command of a shell block, a note of its exit code and its last word before the
     * first option ({@code 2 simulate}), so a test can check the exit codes the README promises.
     * Commands continue over lines ending in a backslash.
     */
    private static String noted(String block) {
        StringBuilder out = new StringBuilder();
        StringBuilder command = new StringBuilder();
        for (String line : block.split("\n", -1)) {
            command.append(line).append('\n');
            if (line.stripTrailing().endsWith("\\")) continue;
            String text = command.toString();
            command.setLength(0);
            out.append(text);
            String code = text.strip();
            if (code.isEmpty() || code.startsWith("#") || code.endsWith("&")) continue;
            out.append("note $? ").append(label(code)).append('\n');
        }
        return out.toString();
    }

    /** {@code ./quarry policy simulate …} → {@code simulate}; {@code curl …} → {@code curl}. */
    private static String label(String command) {
        String last = "command";
        int comment = command.indexOf(" #");
        for (String word : (comment < 0 ? command : command.substring(0, comment)).split("\\s+")) {
            if (word.startsWith("-") || word.contains("=")) break;
            String plain = word.replaceAll("[^A-Za-z0-9_-]", "");
            if (!plain.isEmpty()) last = plain;
        }
        return last;
    }
}
