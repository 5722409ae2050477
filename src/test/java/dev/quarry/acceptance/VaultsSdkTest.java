package dev.quarry.acceptance;

import static dev.quarry.acceptance.AgentTurnsSdkTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.beta.agents.vaults.Vault;
import com.openai.models.beta.agents.vaults.VaultCreateParams;
import com.openai.models.beta.agents.vaults.VaultListParams;
import com.openai.models.beta.agents.vaults.VaultUpdateParams;
import com.openai.models.beta.agents.vaults.credentials.Credential;
import com.openai.models.beta.agents.vaults.credentials.CredentialAuthCreateParam;
import com.openai.models.beta.agents.vaults.credentials.CredentialCreateParams;
import com.openai.models.beta.agents.vaults.credentials.CredentialDeleteParams;
import com.openai.models.beta.agents.vaults.credentials.CredentialRetrieveParams;
import com.openai.models.beta.agents.vaults.credentials.CredentialUpdateParams;
import dev.quarry.testing.TestQuarry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Vaults through the official OpenAI Java SDK's {@code beta().agents().vaults()}: the SDK reads
 * back what Quarry writes, a credential's token is never in an answer, another principal sees
 * none of a vault (404), and bad bodies are refused with 400s that do not echo the token.
 */
class VaultsSdkTest {
    private static final String TOKEN = "vault-secret-Zq81_token";
    private static TestQuarry quarry;
    private static String key;
    private static OpenAIClient client;
    /** Every answer body a test read raw, to look for the token in. */
    private static final List<String> ANSWERS = new ArrayList<>();

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start();
        key = quarry.newKey("vault-owner");
        client = AgentTurnsSdkTest.client(quarry, key);
    }

    @AfterAll
    static void stop() {
        quarry.close();
    }

    private static Credential credential(String vaultId, String name, String token) {
        return client.beta().agents().vaults().credentials().create(vaultId, CredentialCreateParams.builder().name(name)
                .auth(CredentialAuthCreateParam.StaticBearer.builder().token(token).mcpServerUrl("https://mcp.example.com/mcp").build()).build());
    }

    private static JsonNode raw(String method, String path, String as, String body, int status) {
        var reply = quarry.call(method, path, as, body);
        ANSWERS.add(reply.body());
        return reply.expect(status);
    }

    @Test
    void theSdkCreatesReadsUpdatesListsAndDeletesVaultsAndCredentialsWithoutEverSeeingTheToken() {
        var vaults = client.beta().agents().vaults();
        Vault vault = vaults.create(VaultCreateParams.builder().name("github tokens")
                .metadata(VaultCreateParams.Metadata.builder().putAdditionalProperty("team", JsonValue.from("blue")).build()).build());
        assertThat(vault.id()).startsWith("vault_");
        assertThat(vault.name()).contains("github tokens");
        assertThat(json(vault).path("object").asText()).isEqualTo("vault");
        assertThat(json(vault).path("metadata").path("team").asText()).isEqualTo("blue");

        Credential credential = credential(vault.id(), "github", TOKEN);
        assertThat(credential.id()).startsWith("cred_");
        assertThat(credential.vaultId()).isEqualTo(vault.id());
        assertThat(credential.auth().asStaticBearer().mcpServerUrl()).isEqualTo("https://mcp.example.com/mcp");
        JsonNode shown = json(credential);
        assertThat(shown.path("object").asText()).isEqualTo("vault.credential");
        assertThat(shown.path("auth").path("type").asText()).isEqualTo("static_bearer");
        assertThat(shown.path("auth").has("token")).isFalse();

        Credential rotated = vaults.credentials().update(credential.id(), CredentialUpdateParams.builder().vaultId(vault.id())
                .staticBearerAuth("rotated-" + TOKEN).build());
        assertThat(rotated.id()).isEqualTo(credential.id());
        Credential read = vaults.credentials().retrieve(credential.id(), CredentialRetrieveParams.builder().vaultId(vault.id()).build());
        assertThat(read.name()).isEqualTo("github");
        assertThat(vaults.credentials().list(vault.id()).data()).extracting(Credential::id).containsExactly(credential.id());

        Vault renamed = vaults.update(vault.id(), VaultUpdateParams.builder().name("renamed").build());
        assertThat(renamed.name()).contains("renamed");
        assertThat(json(renamed).path("metadata").path("team").asText()).isEqualTo("blue");
        assertThat(vaults.list(VaultListParams.builder().limit(100).build()).data()).extracting(Vault::id).contains(vault.id());

        List<String> everything = new ArrayList<>(List.of(json(vault).toString(), shown.toString(), json(rotated).toString(), json(read).toString(),
                json(renamed).toString()));
        everything.add(raw("GET", "/v1/vaults/" + vault.id() + "/credentials", key, null, 200).toString());
        everything.add(raw("GET", "/v1/vaults?limit=100", key, null, 200).toString());
        assertThat(everything).allSatisfy(text -> assertThat(text).doesNotContain(TOKEN));

        assertThat(vaults.credentials().delete(credential.id(), CredentialDeleteParams.builder().vaultId(vault.id()).build()).deleted()).isTrue();
        assertThatThrownBy(() -> vaults.credentials().retrieve(credential.id(), CredentialRetrieveParams.builder().vaultId(vault.id()).build()))
                .isInstanceOf(NotFoundException.class);
        assertThat(json(vaults.delete(vault.id())).path("object").asText()).isEqualTo("vault.deleted");
        assertThatThrownBy(() -> vaults.retrieve(vault.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void anotherPrincipalSeesNoneOfAVault() {
        Vault vault = client.beta().agents().vaults().create(VaultCreateParams.builder().name("mine").build());
        Credential credential = credential(vault.id(), "mine", TOKEN);
        String other = quarry.newKey("vault-stranger");
        String base = "/v1/vaults/" + vault.id();
        String cred = base + "/credentials/" + credential.id();

        raw("GET", base, other, null, 404);
        raw("POST", base, other, "{\"name\": \"taken\"}", 404);
        raw("DELETE", base, other, null, 404);
        raw("GET", base + "/credentials", other, null, 404);
        raw("POST", base + "/credentials", other, "{\"name\": \"x\", \"auth\": {\"type\": \"static_bearer\", \"token\": \"t\", "
                + "\"mcp_server_url\": \"https://mcp.example.com/mcp\"}}", 404);
        raw("GET", cred, other, null, 404);
        raw("POST", cred, other, "{\"auth\": {\"type\": \"static_bearer\", \"token\": \"stolen\"}}", 404);
        raw("DELETE", cred, other, null, 404);
        assertThat(raw("GET", "/v1/vaults", other, null, 200).path("data")).isEmpty();

        // Still the owner's, unchanged.
        assertThat(client.beta().agents().vaults().retrieve(vault.id()).name()).contains("mine");
        assertThat(client.beta().agents().vaults().credentials().list(vault.id()).data()).hasSize(1);
    }

    @Test
    void badBodiesAreRefusedWithoutEchoingTheToken() {
        Vault vault = client.beta().agents().vaults().create(VaultCreateParams.builder().name("checks").build());
        String creds = "/v1/vaults/" + vault.id() + "/credentials";
        String huge = "x".repeat(8 * 1024 + 1);

        assertThat(raw("POST", creds, key, bearer("big", huge), 400).path("error").path("param").asText()).isEqualTo("auth.token");
        raw("POST", creds, key, bearer("line", "ab\\r\\nX-Injected: 1"), 400);
        raw("POST", creds, key, bearer("empty", ""), 400);
        raw("POST", creds, key, "[1, 2]", 400);
        raw("POST", creds, key, "\"a string\"", 400);
        raw("POST", "/v1/vaults", key, "[]", 400);
        raw("POST", creds, key, "{\"name\": \"oauth\", \"auth\": {\"type\": \"mcp_oauth\", \"access_token\": \"" + TOKEN + "\"}}", 400);
        raw("POST", creds, key, "{\"name\": \"env\", \"auth\": {\"type\": \"environment_variable\", \"secret_value\": \"" + TOKEN + "\"}}", 400);
        raw("POST", creds, key, "{\"name\": \"bad-url\", \"auth\": {\"type\": \"static_bearer\", \"token\": \"" + TOKEN
                + "\", \"mcp_server_url\": \"file:///etc/passwd\"}}", 400);
        raw("POST", creds, key, "{\"name\": \"extra\", \"auth\": {\"type\": \"static_bearer\", \"token\": \"" + TOKEN
                + "\", \"mcp_server_url\": \"https://a.example/mcp\", \"sneaky\": 1}}", 400);
        raw("POST", creds, key, "{\"name\": \"nul\\u0000name\", \"auth\": {\"type\": \"static_bearer\", \"token\": \"" + TOKEN
                + "\", \"mcp_server_url\": \"https://a.example/mcp\"}}", 400);
        raw("POST", "/v1/vaults", key, "{\"name\": \"" + "n".repeat(201) + "\"}", 400);
        raw("POST", "/v1/vaults", key, "{\"status\": \"archived\"}", 400);
        raw("GET", "/v1/vaults/vault_%00%27%3B--", key, null, 404);
        raw("GET", "/v1/vaults?limit=0", key, null, 400);
        // A rotation names only the new token: the server a credential is for does not change.
        Credential credential = credential(vault.id(), "fixed", TOKEN);
        raw("POST", creds + "/" + credential.id(), key, "{\"auth\": {\"type\": \"static_bearer\", \"token\": \"t2\", "
                + "\"mcp_server_url\": \"https://elsewhere.example/mcp\"}}", 400);
        raw("PUT", creds + "/" + credential.id(), key, "{}", 405);

        assertThatThrownBy(() -> credential(vault.id(), "big-sdk", huge)).isInstanceOf(BadRequestException.class);
        assertThat(ANSWERS).allSatisfy(answer -> assertThat(answer).doesNotContain(TOKEN).doesNotContain(huge));
    }

    private static String bearer(String name, String token) {
        return "{\"name\": \"" + name + "\", \"auth\": {\"type\": \"static_bearer\", \"token\": \"" + token
                + "\", \"mcp_server_url\": \"https://mcp.example.com/mcp\"}}";
    }
}
