package dev.quarry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.identity.Authenticator;
import dev.quarry.identity.Credential;
import dev.quarry.identity.IdentityStore;
import dev.quarry.identity.MasterKey;
import dev.quarry.store.Database;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code quarry} command line, run in process. */
class CliTest {
    @TempDir
    Path data;

    @Test
    void keysCreatePrintsAKeyThatAuthenticates() throws Exception {
        Output out = run("keys", "create", "--name", "ops-bot", "--data", data.toString());
        assertThat(out.code()).isZero();
        JsonNode json = new ObjectMapper().readTree(out.stdout());
        assertThat(json.path("name").asText()).isEqualTo("ops-bot");
        String apiKey = json.path("api_key").asText();
        assertThat(apiKey).startsWith("qk-");
        try (Database db = Database.sqliteIn(data)) {
            var principal = new Authenticator(new IdentityStore(db, MasterKey.generate()), Clock.systemUTC()).authenticate(Credential.apiKey(apiKey));
            assertThat(principal.name()).isEqualTo("ops-bot");
        }
    }

    @Test
    void modelsListShowsTheCatalogWithItsAvailability() {
        Output out = run("models", "list");
        assertThat(out.code()).isZero();
        assertThat(out.stdout()).containsPattern("quarry/echo\\s+quarry\\s+chat\\s+available")
                .containsPattern("gpt-5.5\\s+gpt\\s+chat\\s+unavailable.*configure a deployment")
                .contains("(test model)");
    }

    @Test
    void aBadConfigurationFileIsReportedNotThrown() throws Exception {
        Path config = Files.writeString(data.resolve("q.yaml"), "models: [{ id: x, deploymets: [] }]");
        Output out = run("models", "list", "--config", config.toString());
        assertThat(out.code()).isEqualTo(1);
        assertThat(out.stderr()).contains("models[0].deploymets is not a known setting");
    }

    record Output(int code, String stdout, String stderr) {}

    private static Output run(String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Output(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }
}
