package dev.quarry.acceptance;

import static dev.quarry.acceptance.AgentTurnsSdkTest.json;
import static dev.quarry.acceptance.AgentTurnsSdkTest.readUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.errors.BadRequestException;
import com.openai.models.beta.agents.AgentSession;
import com.openai.models.beta.agents.AgentSessionEvent;
import com.openai.models.beta.agents.AgentSessionInputMessageParam;
import com.openai.models.beta.agents.AgentToolParam;
import com.openai.models.beta.agents.McpTransportParam;
import com.openai.models.beta.agents.sessions.SessionCreateParams;
import com.openai.models.beta.agents.sessions.events.EventCreateParams;
import com.openai.models.beta.agents.sessions.items.ItemListParams;
import com.openai.models.beta.agents.sessions.turns.Turn;
import com.openai.models.beta.agents.vaults.Vault;
import com.openai.models.beta.agents.vaults.VaultCreateParams;
import com.openai.models.beta.agents.vaults.credentials.Credential;
import com.openai.models.beta.agents.vaults.credentials.CredentialAuthCreateParam;
import com.openai.models.beta.agents.vaults.credentials.CredentialCreateParams;
import com.openai.models.beta.agents.vaults.credentials.CredentialUpdateParams;
import dev.quarry.testing.StoreTargets;
import dev.quarry.testing.StubMcpServer;
import dev.quarry.testing.TestQuarry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Vault credentials end to end, through the official OpenAI Java SDK against a stub MCP server:
 * a session created with {@code vault_ids} sends its MCP server the token of the credential its
 * tool names ({@code credential_id}) as {@code Authorization: Bearer}, a rotation is used from the
 * next turn, a server that echoes the token leaves only {@code [redacted:cred_…]} in the items, and
 * afterwards the token is in no answer, item, event, audit row, ledger row, log line or (SQLite)
 * byte of the database. A credential whose vault the session was not created with, or that policy
 * does not let the session use, leaves its server unavailable, naming the credential.
 */
class AgentVaultsTest {
    private static final String ALLOW_STUB = """
            agents:
              mcp:
                allow_insecure_hosts: ["127.0.0.1"]
                allow_private_hosts: ["127.0.0.1"]
                connect_timeout_seconds: 3
            """;
    private static final StubMcpServer STUB = new StubMcpServer().addTool("whoami", "Tells the Authorization it was sent.", "{\"type\":\"object\"}");
    private static final Map<String, TestQuarry> SERVERS = new ConcurrentHashMap<>();
    private static final List<String> LOG = new CopyOnWriteArrayList<>();
    private static final Logger QUARRY_LOGGER = Logger.getLogger("dev.quarry");
    private static final Handler CAPTURE = new Handler() {
        private final SimpleFormatter format = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
            LOG.add(format.format(record));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private static Level quarryLevel;

    @BeforeAll
    static void captureLogs() {
        quarryLevel = QUARRY_LOGGER.getLevel();
        QUARRY_LOGGER.setLevel(Level.ALL);
        CAPTURE.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(CAPTURE);
    }

    @AfterAll
    static void stop() {
        Logger.getLogger("").removeHandler(CAPTURE);
        QUARRY_LOGGER.setLevel(quarryLevel);
        SERVERS.values().forEach(TestQuarry::close);
        SERVERS.clear();
        STUB.close();
    }

    private static TestQuarry quarry(String target) {
        return SERVERS.computeIfAbsent(target, t -> {
            String store = t.equals("sqlite") ? "" : "store: { url: \"" + StoreTargets.freshUrl(t) + "\" }\n";
            return TestQuarry.start(store + ALLOW_STUB, Map.of());
        });
    }

    private static Vault vault(OpenAIClient client) {
        return client.beta().agents().vaults().create(VaultCreateParams.builder().name("tokens").build());
    }

    private static Credential credential(OpenAIClient client, String vaultId, String token) {
        return client.beta().agents().vaults().credentials().create(vaultId, CredentialCreateParams.builder().name("stub")
                .auth(CredentialAuthCreateParam.StaticBearer.builder().token(token).mcpServerUrl(STUB.url()).build()).build());
    }

    private static AgentSession session(OpenAIClient client, String credentialId, boolean required, String... vaultIds) {
        AgentToolParam.Mcp tool = AgentToolParam.Mcp.builder().serverLabel("tools").credentialId(credentialId).required(required)
                .transport(McpTransportParam.Http.builder().serverUrl(STUB.url()).build()).build();
        SessionCreateParams.Builder create = SessionCreateParams.builder().environmentNone()
                .agent(SessionCreateParams.Agent.builder().model("quarry/echo").instructions("Use your tools.").addTool(tool).build());
        for (String id : vaultIds) create.addVaultId(id);
        return client.beta().agents().sessions().create(create.build());
    }

    private static List<AgentSessionEvent> turn(OpenAIClient client, String sessionId, String text) {
        var sessions = client.beta().agents().sessions();
        try (var stream = sessions.events().streamStreaming(sessionId)) {
            sessions.events().create(sessionId, EventCreateParams.builder().addAgentSessionInputMessageEvent(List.of(AgentSessionInputMessageParam
                    .builder().role(JsonValue.from("user")).addInputTextContent(text).build())).build());
            return readUntil(stream.stream().iterator(), AgentSessionEvent::isIdle);
        }
    }

    private static List<JsonNode> items(OpenAIClient client, String sessionId) {
        List<JsonNode> items = new ArrayList<>();
        client.beta().agents().sessions().items().list(sessionId, ItemListParams.builder().order(ItemListParams.Order.ASC).build()).autoPager()
                .forEach(item -> items.add(json(item)));
        return items;
    }

    private static List<JsonNode> mcpCalls(OpenAIClient client, String sessionId) {
        return items(client, sessionId).stream().filter(i -> i.path("type").asText().equals("mcp_call")).toList();
    }

    private static List<JsonNode> audit(TestQuarry quarry, String sessionId, int atLeast) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<JsonNode> events = new ArrayList<>();
            quarry.admin("GET", "/admin/audit?session=" + sessionId + "&limit=100", null).expect(200).path("events").forEach(events::add);
            if (events.size() >= atLeast || System.nanoTime() > deadline) return events;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static String base64(String token) {
        return Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void theServerGetsTheTokenWhichIsRotatedAtTheNextTurnAndFoundNowhereAfterwards(String target) throws IOException {
        TestQuarry quarry = quarry(target);
        String principal = "vault-user-" + target;
        String key = quarry.newKey(principal);
        OpenAIClient client = AgentTurnsSdkTest.client(quarry, key);
        String token = "tok-" + target + "-Xy7Qv93LmZ0pA";
        String rotated = "tok-" + target + "-rotated-Kp2Wn48";
        Vault vault = vault(client);
        Credential credential = credential(client, vault.id(), token);
        String redacted = "[redacted:" + credential.id() + "]";
        AgentSession session = session(client, credential.id(), true, vault.id());
        assertThat(session.vaultIds()).containsExactly(vault.id());
        assertThat(json(session).path("agent").path("tools").get(0).path("credential_id").asText()).isEqualTo(credential.id());
        int requestsBefore = STUB.requests().size();
        List<String> answers = new ArrayList<>();

        STUB.requireAuthorization("Bearer " + token);
        List<AgentSessionEvent> events = new ArrayList<>(turn(client, session.id(), "[[call tools__whoami {}]]"));
        assertThat(STUB.requests().subList(requestsBefore, STUB.requests().size())).isNotEmpty()
                .allSatisfy(headers -> assertThat(headers).containsEntry("authorization", "Bearer " + token));
        JsonNode first = mcpCalls(client, session.id()).getLast();
        assertThat(first.path("status").asText()).isEqualTo("completed");
        assertThat(first.path("output").asText()).isEqualTo("you sent 'Bearer " + redacted + "' (base64 " + redacted + ")");

        client.beta().agents().vaults().credentials().update(credential.id(), CredentialUpdateParams.builder().vaultId(vault.id())
                .staticBearerAuth(rotated).build());
        STUB.requireAuthorization("Bearer " + rotated);
        events.addAll(turn(client, session.id(), "[[call tools__whoami {}]]"));
        JsonNode second = mcpCalls(client, session.id()).getLast();
        assertThat(second.path("status").asText()).isEqualTo("completed");
        assertThat(second.path("output").asText()).contains(redacted);
        STUB.requireAuthorization(null);

        List<Turn> turns = client.beta().agents().sessions().turns().list(session.id()).data();
        assertThat(turns).extracting(Turn::status).containsOnly(Turn.Status.COMPLETED);
        List<JsonNode> trail = audit(quarry, session.id(), 6);
        assertThat(trail).filteredOn(e -> e.path("action").asText().equals("quarry:UseVaultCredential")).hasSize(2)
                .allSatisfy(e -> assertThat(List.of(e.path("decision").asText(), e.path("resource").asText()))
                        .containsExactly("allow", "vault/" + vault.id() + "/credential/" + credential.id()));

        answers.add(json(client.beta().agents().sessions().retrieve(session.id())).toString());
        items(client, session.id()).forEach(i -> answers.add(i.toString()));
        turns.forEach(t -> answers.add(json(t).toString()));
        events.forEach(e -> answers.add(json(e).toString()));
        answers.add(quarry.call("GET", "/v1/agents/sessions/" + session.id() + "/items?limit=100", key, null).expect(200).toString());
        trail.forEach(e -> answers.add(e.toString()));
        quarry.ledgerFor(principal, 100).forEach(r -> answers.add(r.toString()));
        assertThat(LOG).as("the log was captured").anySatisfy(line -> assertThat(line).contains(credential.id() + " rotated"));
        answers.addAll(LOG);
        if (target.equals("sqlite")) answers.add(databaseBytes(quarry.dataDir()));
        for (String secret : List.of(token, rotated)) {
            assertThat(answers).allSatisfy(text -> assertThat(text).doesNotContain(secret).doesNotContain(base64(secret)));
        }
        assertThat(answers).anySatisfy(text -> assertThat(text).contains(redacted));
    }

    /** The SQLite database and its write-ahead log, as Latin-1 text: a token in any row or page would show. */
    private static String databaseBytes(Path dataDir) throws IOException {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> files = Files.list(dataDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("quarry.db")).toList()) {
                out.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            }
        }
        assertThat(out).isNotEmpty();
        return out.toString();
    }

    @Test
    void aSessionMayNameOnlyItsOwnersVaults() {
        TestQuarry quarry = quarry("sqlite");
        OpenAIClient owner = AgentTurnsSdkTest.client(quarry, quarry.newKey("vault-owner-ids"));
        OpenAIClient stranger = AgentTurnsSdkTest.client(quarry, quarry.newKey("vault-stranger-ids"));
        Vault mine = vault(owner);

        assertThatThrownBy(() -> session(owner, null, false, "vault_01NOSUCHVAULT0000000000000")).isInstanceOf(BadRequestException.class)
                .hasMessageContaining("No vault found with id 'vault_01NOSUCHVAULT0000000000000'");
        assertThatThrownBy(() -> session(stranger, null, false, mine.id())).isInstanceOf(BadRequestException.class)
                .hasMessageContaining("No vault found");
        for (String body : List.of("{\"vault_ids\": \"" + mine.id() + "\"}", "{\"vault_ids\": [42]}", "{\"vault_ids\": [\"a b\"]}",
                "{\"vault_ids\": [\"" + mine.id() + "\", \"" + mine.id() + "\"]}")) {
            String create = body.substring(0, body.length() - 1) + ", \"environment\": {\"type\": \"none\"}, \"agent\": {\"model\": \"quarry/echo\"}}";
            assertThat(quarry.call("POST", "/v1/agents/sessions", quarry.newKey("vault-owner-ids-raw"), create).status()).as(body).isEqualTo(400);
        }
        assertThat(session(owner, null, false, mine.id()).vaultIds()).containsExactly(mine.id());
    }

    @Test
    void aCredentialOfAVaultTheSessionWasNotCreatedWithLeavesItsServerUnavailable() {
        TestQuarry quarry = quarry("sqlite");
        OpenAIClient client = AgentTurnsSdkTest.client(quarry, quarry.newKey("vault-unattached"));
        String token = "tok-unattached-Hh31ks";
        Vault holding = vault(client);
        Vault attached = vault(client);
        Credential credential = credential(client, holding.id(), token);
        int requestsBefore = STUB.requests().size();

        AgentSession required = session(client, credential.id(), true, attached.id());
        turn(client, required.id(), "[[call tools__echo {\"text\": \"x\"}]]");
        Turn failed = client.beta().agents().sessions().turns().list(required.id()).data().getFirst();
        assertThat(failed.status()).isEqualTo(Turn.Status.FAILED);
        assertThat(json(failed).path("error").path("message").asText()).contains(credential.id()).contains("vault_ids").doesNotContain(token);

        AgentSession optional = session(client, credential.id(), false, attached.id());
        turn(client, optional.id(), "[[call tools__echo {\"text\": \"x\"}]]");
        // Left out, the server offers the model no tools: the call is not made, and nothing mentions the token.
        List<JsonNode> items = items(client, optional.id());
        assertThat(items).noneMatch(i -> i.path("type").asText().equals("mcp_call"));
        assertThat(items.toString()).contains("offers no tools").doesNotContain(token);
        assertThat(STUB.requests().size()).as("the server was never called").isEqualTo(requestsBefore);
    }

    @Test
    void aTokenIsNeverSentToAnotherServerThanItsCredentialNames() {
        TestQuarry quarry = quarry("sqlite");
        OpenAIClient client = AgentTurnsSdkTest.client(quarry, quarry.newKey("vault-elsewhere"));
        Vault vault = vault(client);
        Credential elsewhere = client.beta().agents().vaults().credentials().create(vault.id(), CredentialCreateParams.builder().name("other")
                .auth(CredentialAuthCreateParam.StaticBearer.builder().token("tok-elsewhere-Vb55").mcpServerUrl("https://mcp.elsewhere.example/mcp")
                        .build()).build());
        int requestsBefore = STUB.requests().size();

        AgentSession session = session(client, elsewhere.id(), true, vault.id());
        turn(client, session.id(), "[[call tools__echo {\"text\": \"x\"}]]");

        Turn failed = client.beta().agents().sessions().turns().list(session.id()).data().getFirst();
        assertThat(failed.status()).isEqualTo(Turn.Status.FAILED);
        assertThat(json(failed).path("error").path("message").asText()).contains(elsewhere.id()).contains("another MCP server")
                .doesNotContain("tok-elsewhere");
        assertThat(STUB.requests().size()).isEqualTo(requestsBefore);
    }

    @Test
    void aPolicyThatDeniesUsingTheCredentialLeavesItsServerUnavailable() {
        TestQuarry quarry = quarry("sqlite");
        quarry.admin("PUT", "/admin/policies/NoVaultUse", """
                {"Statement": [{"Sid": "NoUse", "Effect": "Deny", "Action": "quarry:UseVaultCredential", "Resource": "vault/*"}]}""").expect(200);
        OpenAIClient client = AgentTurnsSdkTest.client(quarry, quarry.newKey("vault-denied"));
        quarry.admin("POST", "/admin/policies/NoVaultUse/attachments", "{\"target_type\": \"principal\", \"target_name\": \"vault-denied\"}")
                .expect(200);
        Vault vault = vault(client);
        Credential credential = credential(client, vault.id(), "tok-denied-Pw92");
        int requestsBefore = STUB.requests().size();

        AgentSession session = session(client, credential.id(), true, vault.id());
        turn(client, session.id(), "[[call tools__echo {\"text\": \"x\"}]]");

        Turn failed = client.beta().agents().sessions().turns().list(session.id()).data().getFirst();
        assertThat(failed.status()).isEqualTo(Turn.Status.FAILED);
        assertThat(json(failed).path("error").path("message").asText()).contains(credential.id()).contains("NoUse").doesNotContain("tok-denied");
        assertThat(STUB.requests().size()).isEqualTo(requestsBefore);
        assertThat(audit(quarry, session.id(), 2)).anySatisfy(e -> assertThat(List.of(e.path("action").asText(), e.path("decision").asText()))
                .containsExactly("quarry:UseVaultCredential", "deny"));
    }
}
