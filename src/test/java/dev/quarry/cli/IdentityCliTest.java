package dev.quarry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.testing.QuarryCli;
import dev.quarry.testing.TestQuarry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The identity commands of {@code quarry}, run in process against a running Quarry, as an operator next to it would. */
class IdentityCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestQuarry quarry;

    @BeforeEach
    void start() {
        quarry = TestQuarry.start();
    }

    @AfterEach
    void stop() {
        quarry.close();
    }

    @Test
    void principalsGroupsAndTagsAreManagedFromTheCommandLine() throws Exception {
        assertThat(quarry("principals", "create", "--name", "ana", "--kind", "service", "--tag", "team=search")).contains("ana", "service", "team=search");
        assertThat(quarry("principals", "tag", "--name", "ana", "--tag", "tier=gold", "--remove", "team")).contains("tier=gold").doesNotContain("team");
        quarry("groups", "create", "--name", "search");
        assertThat(quarry("groups", "add", "--group", "search", "--principal", "ana")).containsPattern("search\\s+ana");
        assertThat(quarry("groups", "list")).containsPattern("users\\s+ana");
        assertThat(quarry("principals", "list")).containsPattern("(?m)^ana\\s+service\\s+tier=gold$");
        JsonNode principals = JSON.readTree(quarry("principals", "list", "--output", "json"));
        assertThat(principals.path("principals").findValuesAsText("name")).contains("admin", "ana");
        assertThat(quarry("groups", "remove", "--group", "search", "--principal", "ana")).containsPattern("(?m)^search$");
        assertThat(quarry("groups", "delete", "--name", "search")).contains("deleted search");
        quarry("principals", "delete", "--name", "ana");
        assertThat(quarry("principals", "list")).doesNotContain("ana");
    }

    @Test
    void keysAreListedDisabledAndDeletedAndRolesAssumedWithThePrincipalsOwnKey() throws Exception {
        JsonNode key = JSON.readTree(quarry("keys", "create", "--name", "ops"));
        String keyId = key.path("key_id").asText();
        assertThat(quarry("keys", "list", "--name", "ops")).containsPattern(keyId + "\\s+\\S+\\s+active");
        assertThat(quarry("keys", "disable", keyId)).contains("disabled " + keyId);
        assertThat(JSON.readTree(quarry("keys", "list", "--name", "ops", "--output", "json")).path("keys").get(0).path("status").asText())
                .isEqualTo("disabled");
        quarry("keys", "delete", keyId);
        assertThat(JSON.readTree(quarry("keys", "list", "--name", "ops", "--output", "json")).path("keys")).isEmpty();

        String opsKey = JSON.readTree(quarry("keys", "create", "--name", "ops")).path("api_key").asText();
        assertThat(quarry("roles", "create", "--name", "deployer", "--trust", "ops")).containsPattern("deployer\\s+ops");
        quarry("policy", "put", "--name", "MayDeploy", "--file", policy("""
                {"Statement": [{"Sid": "AssumeDeployer", "Effect": "Allow", "Action": "quarry:AssumeRole", "Resource": "role/deployer"}]}"""));
        quarry("policy", "attach", "--name", "MayDeploy", "--principal", "ops");
        JsonNode session = JSON.readTree(QuarryCli.succeed("sts", "assume-role", "--role", "deployer", "--duration-seconds", "900",
                "--url", quarry.baseUrl(), "--key", opsKey));
        assertThat(session.path("role").asText()).isEqualTo("deployer");
        // The session's key is known (not 401); the role holds no ListModels, so the listing is refused by policy.
        quarry.call("GET", "/v1/models", session.path("api_key").asText(), null).expect(403);
        assertThat(quarry("roles", "delete", "--name", "deployer")).contains("deleted deployer");
    }

    @Test
    void theCommandTheDisabledKeyMessageSuggestsWorks() {
        JsonNode key = quarry.admin("POST", "/admin/keys", "{\"name\": \"paused\"}").expect(201);
        quarry("keys", "disable", key.path("key_id").asText());
        String message = quarry.call("GET", "/v1/models", key.path("api_key").asText(), null).json().path("error").path("message").asText();
        var suggested = java.util.regex.Pattern.compile("'quarry ([^']+)'").matcher(message);
        assertThat(suggested.find()).as(message).isTrue();
        List<String> args = new ArrayList<>(List.of(suggested.group(1).split(" ")));
        assertThat(quarry(args.toArray(String[]::new))).contains("enabled " + key.path("key_id").asText());
        quarry.call("GET", "/v1/models", key.path("api_key").asText(), null).expect(200);
    }

    @Test
    void anUnknownPrincipalIsTheServersOneLineAnswer() {
        QuarryCli.Output out = QuarryCli.run(QuarryCli.against(quarry, "keys", "list", "--name", "nobody"));
        assertThat(out.code()).isEqualTo(1);
        assertThat(out.stderr().strip()).startsWith("quarry: ").endsWith("(HTTP 404)").doesNotContain("\n");
    }

    private String policy(String document) throws Exception {
        return java.nio.file.Files.writeString(quarry.dataDir().resolve("policy.json"), document).toString();
    }

    /** Runs one command against the test's server, asserting it succeeded; its standard output. */
    private String quarry(String... args) {
        return QuarryCli.succeed(QuarryCli.against(quarry, args));
    }
}
