package dev.quarry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.testing.QuarryCli;
import dev.quarry.testing.TestQuarry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code quarry} command line, run in process against a running Quarry. */
class CliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestQuarry quarry;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start("""
                providers: [{ name: upstream, type: openai-compatible, base_url: "http://127.0.0.1:9" }]
                models: [{ id: gpt-5.5, deployments: [{ provider: upstream, model: gpt-x }] }]
                """, Map.of());
    }

    @AfterAll
    static void stop() {
        quarry.close();
    }

    @Test
    void keysCreatePrintsAKeyThatAuthenticates() throws Exception {
        JsonNode key = JSON.readTree(QuarryCli.succeed(QuarryCli.against(quarry, "keys", "create", "--name", "ops-bot")));
        assertThat(key.path("name").asText()).isEqualTo("ops-bot");
        assertThat(key.path("api_key").asText()).startsWith("qk-");
        quarry.call("GET", "/v1/models", key.path("api_key").asText(), null).expect(200);
    }

    @Test
    void modelsListShowsTheCatalogAsTheRunningServerServesIt() throws Exception {
        String table = QuarryCli.succeed(QuarryCli.against(quarry, "models", "list"));
        assertThat(table).containsPattern("quarry/echo\\s+quarry\\s+chat\\s+available")
                .containsPattern("gpt-5.5\\s+gpt\\s+chat\\s+available\\s+\\d+\\s+upstream:gpt-x")
                .containsPattern("claude-sonnet-4-5\\s+claude\\s+chat\\s+unavailable.*configure a deployment")
                .contains("(test model)");
        JsonNode json = JSON.readTree(QuarryCli.succeed(QuarryCli.against(quarry, "models", "list", "--output", "json")));
        assertThat(json.path("models").findValuesAsText("id")).contains("gpt-5.5", "quarry/echo");
    }

    @Test
    void everyCommandPrintsItsHelpAndExitsZero() {
        List<String> failed = new ArrayList<>();
        List<List<String>> paths = new ArrayList<>();
        commands(Main.commandLine(), new ArrayList<>(), paths);
        assertThat(paths).hasSizeGreaterThan(30);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            QuarryCli.Output out = QuarryCli.run(args.toArray(String[]::new));
            if (out.code() != 0 || !out.stdout().contains("Usage: quarry")) failed.add(args + " → " + out.code() + " " + out.stderr());
            if (!path.isEmpty()) {
                List<String> help = new ArrayList<>(List.of("help"));
                help.add(path.getFirst());
                QuarryCli.Output viaHelp = QuarryCli.run(help.toArray(String[]::new));
                if (viaHelp.code() != 0 || !viaHelp.stdout().contains("Usage: quarry " + path.getFirst())) failed.add(help + " → " + viaHelp.code());
            }
        }
        assertThat(failed).isEmpty();
    }

    @Test
    void onlyServeAndAuditVerifyWorkWithoutAServerAndTheirHelpSaysSo() {
        assertThat(QuarryCli.succeed("audit", "verify", "--help")).contains("Needs no server");
        assertThat(QuarryCli.succeed("--help")).contains("Commands other than 'serve' and 'audit verify' call a running Quarry");
    }

    @Test
    void anUnreachableRemoteServerIsNamedAtOnce() {
        QuarryCli.Output out = QuarryCli.run("principals", "list", "--url", "http://quarry.invalid:8080", "--key", "qk-anything");
        assertThat(out.code()).isEqualTo(1);
        assertThat(out.stderr().strip()).startsWith("quarry: Cannot reach Quarry at http://quarry.invalid:8080")
                .endsWith("point --url or QUARRY_URL at a running Quarry.").doesNotContain("\n");
        assertThat(out.stderr()).doesNotContain("waiting for Quarry");
    }

    @Test
    void aLocalServerIsWaitedForSayingSoOnce() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        long start = System.nanoTime();
        QuarryCli.Output out = QuarryCli.run("principals", "list", "--url", "http://127.0.0.1:" + port, "--key", "qk-anything");
        assertThat(System.nanoTime() - start).isGreaterThan(java.time.Duration.ofSeconds(14).toNanos());
        assertThat(out.code()).isEqualTo(1);
        assertThat(out.stderr()).containsOnlyOnce("waiting for Quarry at http://127.0.0.1:" + port + "…")
                .contains("quarry: No Quarry answered at http://127.0.0.1:" + port + " within 15 s; start one with 'quarry serve'");
    }

    @Test
    void aBadConfigurationFileIsReportedNotThrown() throws Exception {
        Path config = Files.writeString(dir.resolve("q.yaml"), "models: [{ id: x, deploymets: [] }]");
        QuarryCli.Output out = QuarryCli.run("audit", "verify", "--config", config.toString(), "--data", dir.toString());
        assertThat(out.code()).isEqualTo(1);
        assertThat(out.stderr()).contains("models[0].deploymets is not a known setting");
    }

    @Test
    void aMissingRequiredOptionIsAUsageError() {
        QuarryCli.Output out = QuarryCli.run("keys", "create");
        assertThat(out.code()).isEqualTo(2);
        assertThat(out.stderr()).contains("Missing required option: '--name=NAME'");
    }

    /** Every command path below {@code line}: {@code []} for quarry itself, {@code [keys]}, {@code [keys, create]}, … */
    private static void commands(CommandLine line, List<String> path, List<List<String>> into) {
        into.add(List.copyOf(path));
        line.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().aliases().length > 0 && !sub.getCommandName().equals(name)) return;
            List<String> deeper = new ArrayList<>(path);
            deeper.add(name);
            commands(sub, deeper, into);
        });
    }
}
