package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.identity.IssuedKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.testing.Eventually;
import dev.quarry.testing.StoreTargets;
import dev.quarry.testing.TestQuarry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Managed-agent sessions as Amazon Bedrock's agents endpoint (Bedrock Managed Agents) serves them,
 * under {@code /openai/v1/agents/sessions}: requests signed by the AWS SDK's SigV4 signer for
 * {@code bedrock-mantle} (or a Quarry key as a bearer token), a create naming the role the session
 * runs as by {@code role_arn}, which the caller must be allowed to assume and the role must trust;
 * the session runs as the role for the caller, whose model calls are audited with both. What Bedrock
 * does not serve is refused: fields with a 400 naming them, routes with a 404.
 */
@Timeout(120)
class BedrockManagedAgentsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Map<String, Setup> SERVERS = new ConcurrentHashMap<>();
    private static final String ROLE_ARN = "arn:aws:iam::123456789012:role/runner";

    /** A Quarry with ana, who may assume role {@code runner} (which trusts her), and the roles she may not pass. */
    record Setup(TestQuarry quarry, IssuedKey ana, String bob) {}

    static Setup setup(String target) {
        return SERVERS.computeIfAbsent(target, t -> {
            String store = t.equals("sqlite") ? "" : "store: { url: \"" + StoreTargets.freshUrl(t) + "\" }\n";
            TestQuarry quarry = TestQuarry.start(store + "models:\n  - id: quarry/echo\n", Map.of());
            IssuedKey ana = quarry.quarry().identities().createKey("ana", PrincipalKind.USER);
            String bob = quarry.newKey("bob");
            quarry.admin("POST", "/admin/roles", "{\"name\": \"runner\", \"trust\": [\"ana\", \"bob\"]}").expect(201);
            quarry.admin("POST", "/admin/roles", "{\"name\": \"untrusting\", \"trust\": [\"bob\"]}").expect(201);
            quarry.admin("POST", "/admin/roles", "{\"name\": \"unpassable\", \"trust\": [\"ana\"]}").expect(201);
            // A role ana may pass and that trusts her, but that may invoke no model.
            quarry.admin("POST", "/admin/roles", "{\"name\": \"modelless\", \"trust\": [\"ana\"]}").expect(201);
            for (String role : List.of("runner", "untrusting", "unpassable")) {
                quarry.admin("POST", "/admin/policies/ModelAccess/attachments", "{\"target_type\": \"principal\", \"target_name\": \"" + role + "\"}")
                        .expect(200);
            }
            quarry.admin("PUT", "/admin/policies/MayRun", """
                    {"Statement": [{"Effect": "Allow", "Action": "quarry:AssumeRole",
                      "Resource": ["role/runner", "role/untrusting", "role/nobody", "role/modelless"]}]}""").expect(200);
            for (String user : List.of("ana", "bob")) {
                quarry.admin("POST", "/admin/policies/MayRun/attachments", "{\"target_type\": \"principal\", \"target_name\": \"" + user + "\"}")
                        .expect(200);
            }
            return new Setup(quarry, ana, bob);
        });
    }

    @AfterAll
    static void stop() {
        SERVERS.values().forEach(s -> s.quarry().close());
        SERVERS.clear();
    }

    private static String create(String role, String extra) {
        return "{\"role_arn\": \"" + role + "\", \"agent\": {\"model\": \"quarry/echo\"}, \"environment\": {\"type\": \"none\"}" + extra + "}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aSignedClientRunsASessionAsTheRoleFromCreateToDelete(String target) throws Exception {
        Setup s = setup(target);
        String sessions = "/openai/v1/agents/sessions";

        List<JsonNode> created = stream(s, "POST", sessions, create(ROLE_ARN, ", \"input\": \"hello, mantle\", \"stream\": true"),
                "agent.session.idle", Map.of());
        List<String> types = created.stream().map(e -> e.path("type").asText()).toList();
        assertThat(types.getFirst()).isEqualTo("agent.session.created");
        assertThat(types).containsSubsequence("agent.session.turn.created", "agent.session.turn.completed", "agent.session.idle");
        JsonNode session = created.getFirst().path("session");
        String id = session.path("id").asText();
        assertThat(session.path("role_arn").asText()).isEqualTo(ROLE_ARN);
        assertThat(created.getLast().path("session").path("status").asText()).isEqualTo("idle");

        JsonNode got = signed(s, "GET", sessions + "/" + id, null).expect(200);
        assertThat(got.path("status").asText()).isEqualTo("idle");
        assertThat(got.path("role_arn").asText()).isEqualTo(ROLE_ARN);
        assertThat(got.path("required_actions")).isEmpty();
        assertThat(signed(s, "GET", sessions, null).expect(200).path("data").findValuesAsText("id")).contains(id);
        JsonNode items = signed(s, "GET", sessions + "/" + id + "/items?order=asc", null).expect(200);
        assertThat(items.path("data")).hasSize(2);
        assertThat(items.at("/data/1/content/0/text").asText()).isEqualTo("You said: hello, mantle");
        signed(s, "GET", sessions + "/" + id + "/items?limit=101", null).expect(400);
        signed(s, "GET", sessions + "/" + id + "/items?limit=0", null).expect(400);

        // The event stream is asked for with stream=true, as Bedrock documents. A second turn's events are followed from
        // the first turn's last one (Quarry's Last-Event-ID), so none is missed however soon the turn runs.
        assertThat(signed(s, "GET", sessions + "/" + id + "/events", null).expect(400).at("/error/param").asText()).isEqualTo("stream");
        signed(s, "POST", sessions + "/" + id + "/events", "{\"events\": [{\"type\": \"agent.session.input.message\", "
                + "\"input\": [{\"role\": \"user\", \"content\": [{\"type\": \"input_text\", \"text\": \"again\"}]}]}]}").expect(202);
        List<JsonNode> followed = stream(s, "GET", sessions + "/" + id + "/events?stream=true", null, "agent.session.idle",
                Map.of("Last-Event-ID", created.getLast().path("event_id").asText()));
        assertThat(followed.stream().map(e -> e.path("type").asText())).containsSubsequence("agent.session.turn.created",
                "agent.session.turn.completed", "agent.session.idle");
        assertThat(signed(s, "GET", sessions + "/" + id + "/items?order=asc", null).expect(200).at("/data/3/content/0/text").asText())
                .isEqualTo("You said: again");

        // Both turns' model calls ran as the role for ana, and were audited so, with the session.
        List<JsonNode> calls = Eventually.theOne(() -> {
            List<JsonNode> events = new ArrayList<>();
            s.quarry().admin("GET", "/admin/audit?session=" + id, null).expect(200).path("events").forEach(e -> {
                if (e.path("action").asText().startsWith("quarry:InvokeModel")) events.add(e);
            });
            return events.size() == 2 ? List.of(events) : List.of();
        });
        for (JsonNode call : calls) {
            assertThat(List.of(call.path("principal_name").asText(), call.path("on_behalf_of").asText(), call.path("session_id").asText(),
                    call.path("decision").asText())).containsExactly("runner", "ana", id, "allow");
        }

        // ana's key as a bearer token sees it too; bob, who may act in the same role, does not.
        assertThat(s.quarry().call("GET", sessions + "/" + id, s.ana().apiKey(), null).expect(200).path("role_arn").asText()).isEqualTo(ROLE_ARN);
        String bobAsRunner = s.quarry().call("POST", "/sts/assume-role", s.bob(), "{\"role\": \"runner\"}").expect(200).path("api_key").asText();
        assertThat(s.quarry().call("GET", sessions + "/" + id, bobAsRunner, null).status()).isEqualTo(404);
        assertThat(s.quarry().call("GET", sessions + "/" + id, s.bob(), null).status()).isEqualTo(404);

        JsonNode deleted = signed(s, "DELETE", sessions + "/" + id, null).expect(200);
        assertThat(deleted.path("deleted").asBoolean()).isTrue();
        assertThat(deleted.path("object").asText()).isEqualTo("agent.session.deleted");
        signed(s, "GET", sessions + "/" + id, null).expect(404);
    }

    @Test
    void aBearerKeyCreatesASessionTooAndTheRoleArnMayBeShort() {
        Setup s = setup("sqlite");
        JsonNode session = s.quarry().call("POST", "/openai/v1/agents/sessions", s.ana().apiKey(), create("role/runner", "")).expect(200);
        assertThat(session.path("role_arn").asText()).isEqualTo("role/runner");
        assertThat(session.path("status").asText()).isEqualTo("idle");
        assertThat(signed(s, "GET", "/openai/v1/agents/sessions/" + session.path("id").asText(), null).expect(200).path("id").asText())
                .isEqualTo(session.path("id").asText());
    }

    /** The session's calls will be the role's: its model is checked as the role, not as the caller, who may invoke it. */
    @Test
    void theModelIsCheckedAsTheRoleTheSessionRunsAs() {
        Setup s = setup("sqlite");
        JsonNode refused = s.quarry().call("POST", "/openai/v1/agents/sessions", s.ana().apiKey(), create("role/modelless", "")).expect(403);
        assertThat(refused.at("/error/param").asText()).isEqualTo("agent.model");
        assertThat(refused.at("/error/message").asText()).contains("The role the session runs as is not allowed to invoke the model 'quarry/echo'");
        s.quarry().call("POST", "/openai/v1/agents/sessions", s.ana().apiKey(), create("role/runner", "")).expect(200);
    }

    @Test
    void theRoleMustBeOneTheCallerMayAssumeAndThatTrustsIt() {
        Setup s = setup("sqlite");
        JsonNode untrusted = signed(s, "POST", "/openai/v1/agents/sessions", create("role/untrusting", "")).expect(403);
        assertThat(untrusted.at("/error/type").asText()).isEqualTo("permission_error");
        assertThat(untrusted.at("/error/message").asText()).contains("trust names neither");
        JsonNode unpassable = signed(s, "POST", "/openai/v1/agents/sessions", create("arn:aws:iam::123456789012:role/unpassable", "")).expect(403);
        assertThat(unpassable.at("/error/type").asText()).isEqualTo("permission_error");
        assertThat(unpassable.at("/error/message").asText()).contains("quarry:AssumeRole").contains("role/unpassable");
        // A role that does not exist is a bad role_arn, told only to a caller allowed to pass it (else the 403 above).
        JsonNode unknown = signed(s, "POST", "/openai/v1/agents/sessions", create("role/nobody", "")).expect(400);
        assertThat(unknown.at("/error/param").asText()).isEqualTo("role_arn");
        assertThat(signed(s, "POST", "/openai/v1/agents/sessions", create("role/someone-else", "")).expect(403).at("/error/message").asText())
                .contains("role/someone-else");
        assertThat(signed(s, "GET", "/openai/v1/agents/sessions", null).expect(200).path("data").findValuesAsText("role_arn"))
                .doesNotContain("role/untrusting", "arn:aws:iam::123456789012:role/unpassable", "role/nobody");
    }

    @Test
    void whatBedrockDoesNotServeIsRefusedNamingTheField() {
        Setup s = setup("sqlite");
        record Bad(String body, String param) {}
        String agent = "\"agent\": {\"model\": \"quarry/echo\"}";
        List<Bad> bad = List.of(
                new Bad("{" + agent + "}", "role_arn"),
                new Bad("{\"role_arn\": \"arn:aws:iam::12345:role/runner\", " + agent + "}", "role_arn"),
                new Bad("{\"role_arn\": \"role/a/b\", " + agent + "}", "role_arn"),
                new Bad("{\"role_arn\": \"role/" + "r".repeat(200) + "\", " + agent + "}", "role_arn"),
                new Bad("{\"role_arn\": 7, " + agent + "}", "role_arn"),
                new Bad(create(ROLE_ARN, ", \"agent_id\": \"agent_01J0000000000000000000000\""), "agent_id"),
                new Bad(create(ROLE_ARN, ", \"vault_ids\": [\"vault_1\"]"), "vault_ids"),
                new Bad("{\"role_arn\": \"" + ROLE_ARN + "\", " + agent + ", \"environment\": {\"type\": \"self_hosted\", "
                        + "\"workspace_directory\": \"/w\"}}", "environment.type"),
                new Bad("{\"role_arn\": \"" + ROLE_ARN + "\", \"agent\": {\"model\": \"quarry/echo\", \"tools\": [{\"type\": \"function\", "
                        + "\"name\": \"lookup\", \"parameters\": {\"type\": \"object\"}}]}}", "agent.tools[0]"));
        for (Bad b : bad) {
            JsonNode error = signed(s, "POST", "/openai/v1/agents/sessions", b.body()).expect(400);
            assertThat(error.at("/error/param").asText()).as(b.body()).isEqualTo(b.param());
            assertThat(error.at("/error/type").asText()).isEqualTo("invalid_request_error");
        }
    }

    @Test
    void sessionUpdateTurnsAndSavedAgentsAreNotServedOnBedrocksTree() {
        Setup s = setup("sqlite");
        String id = signed(s, "POST", "/openai/v1/agents/sessions", create(ROLE_ARN, "")).expect(200).path("id").asText();
        String base = "/openai/v1/agents/sessions/" + id;
        for (String[] call : List.of(new String[] {"POST", base, "{\"metadata\": {\"a\": \"b\"}}"}, new String[] {"GET", base + "/turns", null},
                new String[] {"GET", base + "/turns/turn_01J0000000000000000000000", null},
                new String[] {"GET", base + "/turns/turn_01J0000000000000000000000/items", null},
                new String[] {"GET", "/openai/v1/agents", null}, new String[] {"POST", "/openai/v1/agents", "{\"model\": \"quarry/echo\"}"},
                new String[] {"GET", "/openai/v1/agents/agent_01J0000000000000000000000", null})) {
            JsonNode error = signed(s, call[0], call[1], call[2]).expect(404);
            assertThat(error.at("/error/message").asText()).as(call[0] + " " + call[1]).contains("not served");
        }
        assertThat(signed(s, "GET", base, null).expect(200).path("metadata")).isEmpty();
        signed(s, "PUT", base, "{}").expect(405);
    }

    // ---- signed calls ----

    record Reply(int status, String body) {
        JsonNode expect(int expected) {
            assertThat(status).as(body).isEqualTo(expected);
            try {
                return body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError(body, e);
            }
        }
    }

    private static Reply signed(Setup s, String method, String path, String body) {
        try {
            HttpResponse<String> response = HTTP.send(request(s, method, path, body).build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A signed request's SSE events, read until one of type {@code last} (included). */
    private static List<JsonNode> stream(Setup s, String method, String path, String body, String last, Map<String, String> headers) {
        try {
            HttpRequest.Builder request = request(s, method, path, body).header("Accept", "text/event-stream");
            headers.forEach(request::header);
            HttpResponse<Stream<String>> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            List<JsonNode> events = new ArrayList<>();
            try (Stream<String> lines = response.body()) {
                Iterator<String> it = lines.iterator();
                while (it.hasNext()) {
                    String line = it.next();
                    if (!line.startsWith("data:")) continue;
                    JsonNode event = JSON.readTree(line.substring(5).strip());
                    events.add(event);
                    if (event.path("type").asText().equals(last)) break;
                }
            }
            return events;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A request signed by the AWS SDK's SigV4 signer for bedrock-mantle, host included, with ana's key pair. */
    private static HttpRequest.Builder request(Setup s, String method, String path, String body) {
        URI uri = URI.create(s.quarry().baseUrl() + path);
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        if (body != null) unsigned.putHeader("Content-Type", "application/json");
        SdkHttpRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(AwsCredentialsIdentity.create(s.ana().accessKeyId(), s.ana().secretAccessKey()))
                .request(unsigned.build())
                .payload(ContentStreamProvider.fromByteArray(payload))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "bedrock-mantle")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-2")).request();
        HttpRequest.Builder out = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(payload));
        // The client writes Host itself, from the address it sends to, which is what was signed.
        signed.headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) out.header(name, String.join(",", values));
        });
        return out;
    }
}
