package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.agents.model.Session;
import dev.quarry.testing.JsonCalls;
import dev.quarry.testing.TestQuarry;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Agents API's refusals over raw HTTP (what the SDK's builders would not send): each bad
 * request is a 400 in OpenAI's error shape naming the field, a feature not done yet is refused
 * rather than ignored, a model the caller may not use is a 403 at create, and every route is
 * authorized by policy on its exact resource.
 */
class AgentSessionsBadInputTest {
    private static final String ECHO = "{\"agent\": {\"model\": \"quarry/echo\"}}";

    static TestQuarry quarry;
    static String key;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start();
        key = quarry.newKey("agent-user");
    }

    @AfterAll
    static void stop() {
        quarry.close();
    }

    private static JsonNode refused(int status, String method, String path, String body, String param) {
        JsonCalls.Reply reply = quarry.call(method, path, key, body);
        JsonNode error = reply.expect(status).path("error");
        assertThat(error.path("message").asText()).as(reply.body()).isNotBlank();
        if (param != null) assertThat(error.path("param").asText()).as(reply.body()).isEqualTo(param);
        return error;
    }

    private static JsonNode createRefused(String body, String param) {
        return refused(400, "POST", "/v1/agents/sessions", body, param);
    }

    @Test
    void aBodyThatIsNoJsonObjectIsRefused() {
        assertThat(createRefused("{\"agent\": ", null).path("type").asText()).isEqualTo("invalid_request_error");
        createRefused("[1, 2]", null);
        createRefused("\"agent\"", null);
    }

    @Test
    void fieldsOfTheWrongTypeOrUnknownAreRefusedByName() {
        createRefused("{\"agent\": {\"model\": 7}}", "agent.model");
        createRefused("{\"agent\": \"quarry/echo\"}", "agent");
        createRefused("{\"agent\": {\"model\": \"\"}}", "agent.model");
        createRefused("{\"agent\": {}}", "agent.model");
        createRefused("{\"agent\": {\"model\": \"quarry/echo\", \"instructions\": [\"x\"]}}", "agent.instructions");
        createRefused("{\"agent\": {\"model\": \"quarry/echo\", \"temperature\": 1}}", "agent.temperature");
        createRefused("{\"agent\": {\"model\": \"quarry/echo\"}, \"colour\": \"red\"}", "colour");
        createRefused("{\"agent_id\": 5}", "agent_id");
        createRefused("{\"agent\": {\"model\": \"quarry/echo\"}, \"stream\": \"yes\"}", "stream");
        createRefused("{\"agent\": {\"model\": \"quarry/echo\"}, \"metadata\": [\"a\"]}", "metadata");
        createRefused("{\"agent\": {\"model\": \"quarry/echo\"}, \"metadata\": {\"a\": 1}}", "metadata.a");
        createRefused("{\"agent\": {\"model\": \"quarry/echo\"}, \"environment\": \"none\"}", "environment");
    }

    @Test
    void exactlyOneOfAgentAndAgentIdIsNeeded() {
        createRefused("{}", "agent");
        createRefused("{\"agent\": {\"model\": \"quarry/echo\"}, \"agent_id\": \"agent_x\"}", "agent_id");
        assertThat(createRefused("{\"agent\": null, \"metadata\": {}}", "agent").path("message").asText()).contains("'agent_id'");
    }

    @Test
    void metadataIsBoundedAsOpenAiBoundsIt() {
        String seventeen = IntStream.range(0, 17).mapToObj(i -> "\"k" + i + "\": \"v\"").collect(Collectors.joining(", ", "{", "}"));
        createRefused("{\"agent\": {\"model\": \"quarry/echo\"}, \"metadata\": " + seventeen + "}", "metadata");
        createRefused("{\"agent\": {\"model\": \"quarry/echo\"}, \"metadata\": {\"" + "k".repeat(65) + "\": \"v\"}}", "metadata");
        createRefused("{\"agent\": {\"model\": \"quarry/echo\"}, \"metadata\": {\"k\": \"" + "v".repeat(513) + "\"}}", "metadata.k");
        String sixteen = IntStream.range(0, 16).mapToObj(i -> "\"" + "k".repeat(62) + i % 10 + (char) ('a' + i) + "\": \"" + "v".repeat(512) + "\"")
                .collect(Collectors.joining(", ", "{", "}"));
        JsonNode at = quarry.call("POST", "/v1/agents/sessions", key, "{\"agent\": {\"model\": \"quarry/echo\"}, \"metadata\": " + sixteen + "}")
                .expect(200);
        assertThat(at.path("metadata").size()).isEqualTo(16);
    }

    @Test
    void whatIsNotDoneYetIsRefusedNotIgnored() {
        createRefused("{\"agent\": {\"model\": \"quarry/echo\"}, \"spend_control\": {\"limit\": 0}}", "spend_control.limit");
        createRefused("{\"agent\": {\"model\": \"quarry/echo\"}, \"spend_control\": {\"limit\": 2.5}}", "spend_control.limit");
        createRefused("{\"agent\": {\"model\": \"quarry/echo\"}, \"spend_control\": {\"limit\": 5, \"currency\": \"EUR\"}}",
                "spend_control.currency");
        createRefused("{\"agent\": {\"model\": \"quarry/echo\"}, \"input\": 42}", "input");
        createRefused("{\"agent\": {\"model\": \"quarry/echo\"}, \"input\": \"\"}", "input");
        createRefused("{\"agent\": {\"model\": \"quarry/echo\"}, \"review\": \"auto_review\"}", "review");
        // A vault that is not the caller's (here: none at all) is a bad request, naming the entry.
        createRefused("{\"agent\": {\"model\": \"quarry/echo\"}, \"vault_ids\": [\"v1\"]}", "vault_ids[0]");
        // An executor dialing out gets its credential in the creation's answer only, which a stream has no place for.
        createRefused("{\"agent\": {\"model\": \"quarry/echo\"}, \"environment\": {\"type\": \"self_hosted\"}, \"stream\": true}", "stream");
        createRefused("{\"agent\": {\"model\": \"quarry/echo\", \"tools\": [{\"type\": \"web_search\"}]}}", "agent.tools[0].type");
        createRefused("{\"agent\": {\"model\": \"quarry/echo\", \"multi_agent\": {\"enabled\": true}}}", "agent.multi_agent");
        // Their empty or absent forms are fine, as the SDK sends them.
        quarry.call("POST", "/v1/agents/sessions", key, """
                {"agent": {"model": "quarry/echo", "tools": []}, "environment": {"type": "none"}, "vault_ids": [], "stream": false, "input": null}""")
                .expect(200);
    }

    @Test
    void aModelMustExistBeAChatModelAndBeAllowed() {
        assertThat(createRefused("{\"agent\": {\"model\": \"no-such-model\"}}", "agent.model").path("message").asText()).contains("no-such-model");
        createRefused("{\"agent\": {\"model\": \"quarry/minilm\"}}", "agent.model");
        String limited = quarry.newKey("no-echo");
        quarry.admin("PUT", "/admin/policies/NoEcho", """
                {"Statement": [{"Effect": "Deny", "Action": "quarry:InvokeModel*", "Resource": "model/quarry/echo"}]}""").expect(200);
        quarry.admin("POST", "/admin/policies/NoEcho/attachments", "{\"target_type\": \"principal\", \"target_name\": \"no-echo\"}").expect(200);
        JsonCalls.Reply denied = quarry.call("POST", "/v1/agents/sessions", limited, ECHO);
        assertThat(denied.expect(403).path("error").path("type").asText()).isEqualTo("permission_error");
        String id = quarry.call("POST", "/v1/agents/sessions", limited, "{\"agent\": {\"model\": \"gpt-6-luna\"}}").expect(200).path("id").asText();
        quarry.call("POST", "/v1/agents/sessions/" + id, limited, "{\"agent\": {\"model\": \"quarry/echo\"}}").expect(403);
        quarry.call("POST", "/v1/agents", limited, "{\"model\": \"quarry/echo\"}").expect(403);
    }

    @Test
    void badUpdatesAndListQueriesAreRefused() {
        String id = quarry.call("POST", "/v1/agents/sessions", key, ECHO).expect(200).path("id").asText();
        String path = "/v1/agents/sessions/" + id;
        refused(400, "POST", path, "{\"agent\": {\"model\": 3}}", "agent.model");
        refused(400, "POST", path, "{\"agent\": {\"instructions\": \"x\"}}", "agent.instructions");
        refused(400, "POST", path, "{\"name\": \"x\"}", "name");
        refused(400, "POST", path, "{\"agent\": {\"model\": \"no-such-model\"}}", "agent.model");
        refused(400, "POST", path, "{\"spend_control\": {\"limit\": -5}}", "spend_control.limit");
        refused(400, "POST", path, "{\"agent\": {\"tools\": [{\"type\": \"function\"}]}}", "agent.tools");
        refused(400, "POST", path, "{\"metadata\": {\"k\": 1}}", "metadata.k");
        assertThat(quarry.call("GET", path, key, null).expect(200).path("agent").path("model").asText()).isEqualTo("quarry/echo");

        for (String query : List.of("limit=0", "limit=101", "limit=two", "order=sideways", "metadata[a]=b", "after=", "before=x")) {
            refused(400, "GET", "/v1/agents/sessions?" + query, null, null);
        }
        refused(400, "GET", "/v1/agents?limit=0", null, "limit");
        // A filter not applied is refused, not answered with the unfiltered list.
        refused(400, "GET", "/v1/agents?metadata[team]=a", null, "metadata");
        refused(400, "GET", "/v1/agents?agent_id=agent_x", null, "agent_id");
        refused(400, "GET", "/v1/agents?before=agent_x", null, "before");
        refused(400, "POST", "/v1/agents", "{\"name\": \"no model\"}", "model");
        refused(400, "POST", "/v1/agents", "{\"model\": \"quarry/echo\", \"name\": 4}", "name");
        refused(400, "POST", "/v1/agents", "{\"model\": \"quarry/echo\", \"version\": 4}", "version");
    }

    @Test
    void anUpdateThatChangesNothingWritesNoVersion() {
        JsonNode agent = quarry.call("POST", "/v1/agents", key, "{\"model\": \"quarry/echo\", \"name\": \"same\"}").expect(200);
        String path = "/v1/agents/" + agent.path("id").asText();
        long version = agent.path("version").asLong();
        assertThat(quarry.call("POST", path, key, "{}").expect(200).path("version").asLong()).isEqualTo(version);
        assertThat(quarry.call("POST", path, key, "{\"name\": \"same\", \"model\": \"quarry/echo\"}").expect(200).path("version").asLong())
                .isEqualTo(version);
        assertThat(quarry.call("POST", path, key, "{\"name\": \"changed\"}").expect(200).path("version").asLong()).isEqualTo(version + 1);
    }

    @Test
    void unknownSessionsRoutesAndWrongMethodsAreAnsweredAsSuch() {
        refused(404, "GET", "/v1/agents/sessions/sess_nothere", null, null);
        refused(404, "DELETE", "/v1/agents/agent_nothere", null, null);
        String id = quarry.call("POST", "/v1/agents/sessions", key, ECHO).expect(200).path("id").asText();
        assertThat(quarry.call("GET", "/v1/agents/sessions/" + id + "/artifacts", key, null).status()).isEqualTo(404);
        assertThat(quarry.call("GET", "/v1/agents/sessions/" + id + "/traces", key, null).status()).isEqualTo(404);
        assertThat(quarry.call("PUT", "/v1/agents/sessions/" + id + "/events", key, "{}").status()).isEqualTo(405);
        JsonCalls.Reply put = quarry.call("PUT", "/v1/agents/sessions", key, ECHO);
        assertThat(put.status()).isEqualTo(405);
        assertThat(quarry.call("GET", "/v1/agents/sessions", "not-a-key", null).status()).isEqualTo(401);
    }

    /** The agents' actions and resources are part of the policy language: the simulator and policy documents know them. */
    @Test
    void thePolicySimulatorKnowsTheAgentsActions() {
        JsonNode create = quarry.admin("POST", "/admin/policies/simulate",
                "{\"principal\": \"agent-user\", \"action\": \"quarry:CreateAgentSession\", \"resource\": \"agent-session/*\"}").expect(200);
        assertThat(create.path("allowed").asBoolean()).isTrue();
        assertThat(create.path("decided_by").asText()).isEqualTo("ModelAccess/AgentSessions");
        JsonNode read = quarry.admin("POST", "/admin/policies/simulate",
                "{\"principal\": \"agent-user\", \"action\": \"quarry:ReadAgent\", \"resource\": \"agent/agent_x\"}").expect(200);
        assertThat(read.path("decided_by").asText()).isEqualTo("ModelAccess/SavedAgents");
        quarry.admin("PUT", "/admin/policies/AgentsOnly", """
                {"Statement": [{"Effect": "Deny", "Action": "quarry:*Agent*", "Resource": ["agent-session/sess_1", "agent/agent_1"]}]}""")
                .expect(200);
        quarry.admin("PUT", "/admin/policies/NoSuchType", """
                {"Statement": [{"Effect": "Deny", "Action": "quarry:ReadAgent", "Resource": "agents/x"}]}""").expect(400);
    }

    /** Every agents call is audited as a platform call: its action, its resource, the decision; refusals too. */
    @Test
    void agentsCallsAreAudited() {
        String auditKey = quarry.newKey("audited-agents");
        String id = quarry.call("POST", "/v1/agents/sessions", auditKey, ECHO).expect(200).path("id").asText();
        quarry.call("GET", "/v1/agents/sessions/" + id, auditKey, null).expect(200);
        quarry.call("POST", "/v1/agents/sessions", auditKey, "{\"agent\": {\"model\": \"quarry/echo\"}, \"input\": 42}").expect(400);
        List<String> seen = dev.quarry.testing.Eventually.theOne(() -> {
            JsonNode events = quarry.admin("GET", "/admin/audit?principal=audited-agents", null).expect(200).path("events");
            List<String> rows = new ArrayList<>();
            events.forEach(e -> rows.add(e.path("action").asText() + " " + e.path("resource").asText() + " " + e.path("decision").asText()));
            return rows.size() >= 3 ? List.of(rows) : List.of();
        });
        assertThat(seen).contains("quarry:CreateAgentSession agent-session/* allow", "quarry:ReadAgentSession agent-session/" + id + " allow");
        assertThat(seen).filteredOn(row -> row.startsWith("quarry:CreateAgentSession")).hasSize(2);
    }

    /**
     * A session created through an assumed role belongs to the role acting for its creator: another
     * session of the same role for the same user sees it, and so does that user as itself; a session
     * of the role for another user does not. The store keeps the assumer.
     */
    @Test
    void aSessionCreatedThroughARoleIsTheRolesForItsCreator() {
        String carol = quarry.admin("POST", "/admin/keys", "{\"name\": \"carol\"}").expect(201).path("api_key").asText();
        String dan = quarry.admin("POST", "/admin/keys", "{\"name\": \"dan\"}").expect(201).path("api_key").asText();
        quarry.admin("POST", "/admin/roles", "{\"name\": \"agent-runner\", \"trust\": [\"carol\", \"dan\"]}").expect(201);
        quarry.admin("POST", "/admin/policies/ModelAccess/attachments", "{\"target_type\": \"principal\", \"target_name\": \"agent-runner\"}")
                .expect(200);
        quarry.admin("PUT", "/admin/policies/MayRun", """
                {"Statement": [{"Effect": "Allow", "Action": "quarry:AssumeRole", "Resource": "role/agent-runner"}]}""").expect(200);
        quarry.admin("POST", "/admin/policies/MayRun/attachments", "{\"target_type\": \"principal\", \"target_name\": \"carol\"}").expect(200);
        quarry.admin("POST", "/admin/policies/MayRun/attachments", "{\"target_type\": \"principal\", \"target_name\": \"dan\"}").expect(200);
        String first = quarry.call("POST", "/sts/assume-role", carol, "{\"role\": \"agent-runner\"}").expect(200).path("api_key").asText();
        String second = quarry.call("POST", "/sts/assume-role", carol, "{\"role\": \"agent-runner\"}").expect(200).path("api_key").asText();
        String dans = quarry.call("POST", "/sts/assume-role", dan, "{\"role\": \"agent-runner\"}").expect(200).path("api_key").asText();

        String id = quarry.call("POST", "/v1/agents/sessions", first, ECHO).expect(200).path("id").asText();
        assertThat(quarry.call("GET", "/v1/agents/sessions/" + id, second, null).expect(200).path("id").asText()).isEqualTo(id);
        assertThat(quarry.call("GET", "/v1/agents/sessions/" + id, carol, null).expect(200).path("id").asText()).isEqualTo(id);
        assertThat(quarry.call("GET", "/v1/agents/sessions", carol, null).expect(200).path("data").findValuesAsText("id")).contains(id);
        assertThat(quarry.call("GET", "/v1/agents/sessions/" + id, dans, null).status()).isEqualTo(404);
        assertThat(quarry.call("GET", "/v1/agents/sessions", dans, null).expect(200).path("data").size()).isZero();
        assertThat(quarry.call("GET", "/v1/agents/sessions/" + id, dan, null).status()).isEqualTo(404);
        var identities = quarry.quarry().identities();
        try (var db = dev.quarry.store.Database.sqliteIn(quarry.dataDir())) {
            Session stored = new dev.quarry.agents.store.SessionStore(db).find(id).orElseThrow();
            assertThat(stored.ownerId()).isEqualTo(identities.principal("agent-runner").orElseThrow().id());
            assertThat(stored.onBehalfOf()).isEqualTo(identities.principal("carol").orElseThrow().id());
            assertThat(stored.surface()).isEqualTo("openai.agents");
        }
    }

    /** Each route, denied its action on its exact resource, is a 403 naming the deciding statement, and changes nothing. */
    @Test
    void aDenyOnTheExactResourceRefusesEveryAgentsRoute() {
        String mallory = quarry.newKey("mallory-agents");
        String session = quarry.call("POST", "/v1/agents/sessions", mallory, ECHO).expect(200).path("id").asText();
        String agent = quarry.call("POST", "/v1/agents", mallory, "{\"model\": \"quarry/echo\"}").expect(200).path("id").asText();
        record Route(String method, String path, String body, String action, String resource) {}
        List<Route> routes = List.of(
                new Route("POST", "/v1/agents/sessions", ECHO, "quarry:CreateAgentSession", "agent-session/*"),
                new Route("POST", "/v1/agents/sessions", "{\"agent_id\": \"" + agent + "\"}", "quarry:ReadAgent", "agent/" + agent),
                new Route("GET", "/v1/agents/sessions", null, "quarry:ReadAgentSession", "agent-session/*"),
                new Route("GET", "/v1/agents/sessions/" + session, null, "quarry:ReadAgentSession", "agent-session/" + session),
                new Route("POST", "/v1/agents/sessions/" + session, "{\"metadata\": {\"a\": \"b\"}}", "quarry:UpdateAgentSession",
                        "agent-session/" + session),
                new Route("DELETE", "/v1/agents/sessions/" + session, null, "quarry:DeleteAgentSession", "agent-session/" + session),
                new Route("POST", "/v1/agents", "{\"model\": \"quarry/echo\"}", "quarry:CreateAgent", "agent/*"),
                new Route("GET", "/v1/agents", null, "quarry:ReadAgent", "agent/*"),
                new Route("GET", "/v1/agents/" + agent, null, "quarry:ReadAgent", "agent/" + agent),
                new Route("POST", "/v1/agents/" + agent, "{\"name\": \"x\"}", "quarry:UpdateAgent", "agent/" + agent),
                new Route("DELETE", "/v1/agents/" + agent, null, "quarry:DeleteAgent", "agent/" + agent));
        quarry.admin("PUT", "/admin/policies/DenyAgents", "{\"Statement\": [{\"Sid\": \"Nothing\", \"Effect\": \"Deny\", \"Action\": "
                + "\"quarry:ListModels\", \"Resource\": \"model/none\"}]}").expect(200);
        quarry.admin("POST", "/admin/policies/DenyAgents/attachments", "{\"target_type\": \"principal\", \"target_name\": \"mallory-agents\"}")
                .expect(200);
        List<String> unrefused = new ArrayList<>();
        for (Route route : routes) {
            String before = state(mallory);
            quarry.admin("PUT", "/admin/policies/DenyAgents", """
                    {"Statement": [{"Sid": "DenyThis", "Effect": "Deny", "Action": "%s", "Resource": "%s"}]}"""
                    .formatted(route.action(), route.resource())).expect(200);
            JsonCalls.Reply reply = quarry.call(route.method(), route.path(), mallory, route.body());
            String refusal = route.action() + " on " + route.resource() + " is denied by statement 'DenyThis' of policy 'DenyAgents'.";
            if (reply.status() != 403 || !reply.json().path("error").path("message").asText().equals(refusal)) {
                unrefused.add(route + " -> " + reply.status() + " " + reply.body());
            }
            quarry.admin("PUT", "/admin/policies/DenyAgents", "{\"Statement\": [{\"Sid\": \"Nothing\", \"Effect\": \"Deny\", \"Action\": "
                    + "\"quarry:ListModels\", \"Resource\": \"model/none\"}]}").expect(200);
            assertThat(state(mallory)).as("after %s", route).isEqualTo(before);
        }
        assertThat(unrefused).isEmpty();
    }

    /** What mallory has: sessions and agents as listed (ids, models, metadata and versions). */
    private static String state(String mallory) {
        return quarry.call("GET", "/v1/agents/sessions?limit=100", mallory, null).expect(200).path("data").toString()
                + quarry.call("GET", "/v1/agents?limit=100", mallory, null).expect(200).path("data").toString();
    }
}
