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
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The identity commands of {@code quarry}, run in process against a data folder, as an operator next to a server would. */
class IdentityCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    @Test
    void principalsGroupsAndTagsAreManagedFromTheCommandLine() {
        assertThat(quarry("principals", "create", "--name", "ana", "--kind", "service", "--tag", "team=search")).contains("ana", "service", "team=search");
        assertThat(quarry("principals", "tag", "--name", "ana", "--tag", "tier=gold", "--remove", "team")).contains("tier=gold").doesNotContain("team");
        quarry("groups", "create", "--name", "search");
        assertThat(quarry("groups", "add", "--group", "search", "--principal", "ana")).containsPattern("search\\s+ana");
        assertThat(quarry("groups", "list")).containsPattern("users\\s+ana");
        assertThat(quarry("principals", "list")).contains("ana");
        assertThat(quarry("groups", "remove", "--group", "search", "--principal", "ana")).containsPattern("search\\s*$");
        quarry("principals", "delete", "--name", "ana");
        assertThat(quarry("principals", "list")).doesNotContain("ana");
    }

    @Test
    void keysAreListedDisabledAndDeletedAndRolesAssumed() throws Exception {
        JsonNode key = JSON.readTree(quarry("keys", "create", "--name", "ops"));
        String keyId = key.path("key_id").asText();
        assertThat(JSON.readTree(quarry("keys", "list", "--name", "ops")).path("status").asText()).isEqualTo("active");
        assertThat(quarry("keys", "disable", "--key", keyId)).contains("disabled " + keyId);
        assertThat(JSON.readTree(quarry("keys", "list", "--name", "ops")).path("status").asText()).isEqualTo("disabled");
        quarry("keys", "delete", "--key", keyId);
        assertThat(quarry("keys", "list", "--name", "ops")).isBlank();

        quarry("roles", "create", "--name", "deployer", "--trust", "ops");
        JsonNode session = JSON.readTree(quarry("sts", "assume-role", "--role", "deployer", "--principal", "ops", "--duration-seconds", "900"));
        assertThat(session.path("role").asText()).isEqualTo("deployer");
        try (Database db = Database.sqliteIn(data)) {
            var store = new IdentityStore(db, MasterKey.resolve(data, null));
            assertThat(new Authenticator(store, Clock.systemUTC()).authenticate(Credential.apiKey(session.path("api_key").asText())).name())
                    .isEqualTo("deployer");
        }
    }

    /** Runs one command against the test's data folder, asserting it succeeded; its standard output. */
    private String quarry(String... args) {
        return QuarryCli.succeed(QuarryCli.inData(data, args));
    }
}
