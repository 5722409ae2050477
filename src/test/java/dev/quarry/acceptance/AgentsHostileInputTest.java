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
}
