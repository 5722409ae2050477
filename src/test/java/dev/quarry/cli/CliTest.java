package dev.quarry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.identity.Authenticator;
import dev.quarry.identity.Credential;
import dev.quarry.identity.IdentityStore;
import dev.quarry.identity.MasterKey;
import dev.quarry.store.Database;
import dev.quarry.testing.QuarryCli;
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
        QuarryCli.Output out = QuarryCli.run("keys", "create", "--name", "ops-bot", "--data", data.toString());
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
        QuarryCli.Output out = QuarryCli.run("models", "list");
        assertThat(out.code()).isZero();
        assertThat(out.stdout()).containsPattern("quarry/echo\\s+quarry\\s+chat\\s+available")
                .containsPattern("gpt-5.5\\s+gpt\\s+chat\\s+unavailable.*configure a deployment")
                .contains("(test model)");
    }

    @Test
    void aBadConfigurationFileIsReportedNotThrown() throws Exception {
        Path config = Files.writeString(data.resolve("q.yaml"), "models: [{ id: x, deploymets: [] }]");
        QuarryCli.Output out = QuarryCli.run("models", "list", "--config", config.toString());
        assertThat(out.code()).isEqualTo(1);
        assertThat(out.stderr()).contains("models[0].deploymets is not a known setting");
    }
}
