package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.testing.JsonCalls;
import dev.quarry.testing.TestQuarry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Agents API against what a hostile client sends, on SQLite and PostgreSQL alike: a NUL in an
 * id (path, {@code agent_id}, {@code after}) or in a saved agent's name is a 404 or a 400, never
 * a 500 from PostgreSQL refusing NUL in text.
 */
class AgentsHostileInputTest {
    private static final Map<String, TestQuarry> SERVERS = new ConcurrentHashMap<>();

    static TestQuarry quarry(String target) {
        return SERVERS.computeIfAbsent(target, TestQuarry::startOn);
    }

    @AfterAll
    static void stop() {
        SERVERS.values().forEach(TestQuarry::close);
        SERVERS.clear();
    }

    private static JsonNode error(JsonCalls.Reply reply, int status, String param) {
        JsonNode error = reply.expect(status).path("error");
        assertThat(error.path("type").asText()).as(reply.body()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).as(reply.body()).isEqualTo(param);
        return error;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aNulInAnIdIsNotFoundOrRefusedNotAServerError(String target) {
        TestQuarry quarry = quarry(target);
        String key = quarry.newKey("nul-ids-" + target);
        error(quarry.call("GET", "/v1/agents/sessions/sess_%00", key, null), 404, "session_id");
        error(quarry.call("POST", "/v1/agents/sessions/sess_%00", key, "{\"metadata\": {}}"), 404, "session_id");
        error(quarry.call("DELETE", "/v1/agents/sessions/sess_%00", key, null), 404, "session_id");
        error(quarry.call("GET", "/v1/agents/agent_%00", key, null), 404, "agent_id");
        error(quarry.call("POST", "/v1/agents/agent_%00", key, "{\"name\": \"n\"}"), 404, "agent_id");
        error(quarry.call("DELETE", "/v1/agents/agent_%00", key, null), 404, "agent_id");
        error(quarry.call("POST", "/v1/agents/sessions", key, "{\"agent_id\": \"agent_\\u0000\"}"), 400, "agent_id");
        error(quarry.call("GET", "/v1/agents/sessions?after=sess_%00", key, null), 400, "after");
        error(quarry.call("GET", "/v1/agents/sessions?agent_id=agent_%00", key, null), 400, "agent_id");
        error(quarry.call("GET", "/v1/agents?after=agent_%00", key, null), 400, "after");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aNulInAnAgentsNameIsRefused(String target) {
        TestQuarry quarry = quarry(target);
        String key = quarry.newKey("nul-names-" + target);
        error(quarry.call("POST", "/v1/agents", key, "{\"model\": \"quarry/echo\", \"name\": \"a\\u0000b\"}"), 400, "name");
        String id = quarry.call("POST", "/v1/agents", key, "{\"model\": \"quarry/echo\", \"name\": \"ok\"}").expect(200).path("id").asText();
        error(quarry.call("POST", "/v1/agents/" + id, key, "{\"name\": \"a\\u0000b\"}"), 400, "name");
        error(quarry.call("POST", "/v1/agents/sessions", key, "{\"agent\": {\"model\": \"quarry/echo\", \"name\": \"a\\u0000b\"}}"), 400, "agent.name");
        assertThat(quarry.call("GET", "/v1/agents/" + id, key, null).expect(200).path("name").asText()).isEqualTo("ok");
    }

    /**
     * A Deny of reading one session or saved agent hides it from its list too, as a Deny of
     * quarry:ListModels on one model hides it from /v1/models: the list does not hand over what
     * GET refuses. Pages stay full and has_more stays right around the hidden ones.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aDeniedSessionOrAgentIsNotListedEither(String target) {
        TestQuarry quarry = quarry(target);
        String user = "denied-one-" + target;
        String key = quarry.newKey(user);
        java.util.List<String> sessions = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sessions.add(quarry.call("POST", "/v1/agents/sessions", key, "{\"agent\": {\"model\": \"quarry/echo\", \"instructions\": \"secret " + i
                    + "\"}}").expect(200).path("id").asText());
        }
        String agent = quarry.call("POST", "/v1/agents", key, "{\"model\": \"quarry/echo\", \"instructions\": \"secret\"}").expect(200)
                .path("id").asText();
        String policy = "NoSecret" + target;
        quarry.admin("PUT", "/admin/policies/" + policy, "{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": [\"quarry:ReadAgentSession\", "
                + "\"quarry:ReadAgent\"], \"Resource\": [\"agent-session/" + sessions.get(1) + "\", \"agent/" + agent + "\"]}]}").expect(200);
        quarry.admin("POST", "/admin/policies/" + policy + "/attachments", "{\"target_type\": \"principal\", \"target_name\": \"" + user + "\"}")
                .expect(200);
        quarry.call("GET", "/v1/agents/sessions/" + sessions.get(1), key, null).expect(403);
        quarry.call("GET", "/v1/agents/" + agent, key, null).expect(403);

        JsonNode all = quarry.call("GET", "/v1/agents/sessions?order=asc", key, null).expect(200);
        java.util.List<String> listed = new java.util.ArrayList<>();
        all.path("data").forEach(s -> listed.add(s.path("id").asText()));
        assertThat(listed).containsExactly(sessions.get(0), sessions.get(2), sessions.get(3));
        JsonNode first = quarry.call("GET", "/v1/agents/sessions?order=asc&limit=2", key, null).expect(200);
        assertThat(first.path("data").get(1).path("id").asText()).isEqualTo(sessions.get(2));
        assertThat(first.path("has_more").asBoolean()).isTrue();
        JsonNode second = quarry.call("GET", "/v1/agents/sessions?order=asc&limit=2&after=" + first.path("last_id").asText(), key, null).expect(200);
        assertThat(second.path("data").size()).isEqualTo(1);
        assertThat(second.path("has_more").asBoolean()).isFalse();
        JsonNode desc = quarry.call("GET", "/v1/agents/sessions?limit=1&after=" + sessions.get(2), key, null).expect(200);
        assertThat(desc.path("data").get(0).path("id").asText()).isEqualTo(sessions.get(0));
        assertThat(desc.path("has_more").asBoolean()).isFalse();
        assertThat(quarry.call("GET", "/v1/agents", key, null).expect(200).path("data")).isEmpty();
    }
}
