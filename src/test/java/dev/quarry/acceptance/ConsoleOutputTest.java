package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.testing.QuarryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code quarry serve} prints from start to stop, with guardrails that load the local MiniLM
 * model at start-up: Quarry's own lines only, no colour codes, and none of the libraries'
 * routine progress or GPU probing (DJL warns about CUDA on a machine with a CUDA runtime but no
 * driver, and the model runs on the CPU regardless).
 */
class ConsoleOutputTest {
    /** A log line: time, level, logger. */
    private static final String LOG_LINE = "^\\d{4}-\\d\\d-\\d\\dT\\S+ [A-Z]+ \\S+ .*";

    @TempDir
    Path dir;

    @Test
    void serveWithSemanticGuardrailsPrintsNoColourCodesAndNoLibraryNoise() throws Exception {
        Path config = Files.writeString(dir.resolve("quarry.yaml"), """
                guardrails:
                  - id: support
                    name: support
                    blockedInputMessaging: "Sorry."
                    blockedOutputsMessaging: "Sorry."
                    topicPolicyConfig:
                      topicsConfig:
                        - {name: Investment advice, definition: "Recommending specific investments.", type: DENY,
                           examples: ["Which stocks should I buy this year?"]}
                    contentPolicyConfig:
                      filtersConfig: [{type: PROMPT_ATTACK, inputStrength: HIGH, outputStrength: NONE}]
                default_guardrail: support
                """);
        String output;
        try (QuarryProcess quarry = QuarryProcess.start(dir, config, QuarryProcess.freePort())) {
            quarry.terminate();
            assertThat(quarry.exitCode(Duration.ofSeconds(60))).isZero();
            output = quarry.log();
        }

        assertThat(output).contains("Quarry is serving on http://127.0.0.1:", "stopped")
                .doesNotContain("\u001b")
                .doesNotContainIgnoringCase("cuda");
        assertThat(output.lines().filter(line -> line.matches(LOG_LINE)))
                .as("log lines come from Quarry's own loggers")
                .allMatch(line -> line.split(" ")[2].startsWith("dev.quarry.") || line.split(" ")[2].startsWith("quarry."));
    }
}
