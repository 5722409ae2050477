package dev.quarry.acceptance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.testing.JsonCalls;
import dev.quarry.testing.SseFollower;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;

/**
 * Agent sessions with an execution environment, driven through Quarry's JSON API as any client
 * would: for tests that follow a session across executor and Quarry restarts, where an SDK client
 * bound to one process would not do.
 */
record EnvironmentSessions(String baseUrl, String key) {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration PATIENCE = Duration.ofSeconds(30);

    /** A {@code self_hosted} environment naming the executor at {@code url}. */
    static ObjectNode selfHosted(Path workspace, String url, String token) {
        ObjectNode environment = JSON.createObjectNode().put("type", "self_hosted").put("workspace_directory", workspace.toString());
        environment.putObject("quarry_connect").put("url", url).put("capability_token", token);
        return environment;
    }

    /** A session on the scripted echo model with that environment; its id. */
    String create(ObjectNode environment) {
        return create(JSON.createObjectNode().put("model", "quarry/echo"), environment);
    }

    String create(ObjectNode agent, ObjectNode environment) {
        return tryCreate(agent, environment).expect(200).path("id").asText();
    }

    JsonCalls.Reply tryCreate(ObjectNode agent, ObjectNode environment) {
        ObjectNode body = JSON.createObjectNode();
        body.set("agent", agent);
        body.set("environment", environment);
        return JsonCalls.send(baseUrl, "POST", "/v1/agents/sessions", key, body.toString());
    }

    /** Sends a user message; the turn it starts runs on. */
    void say(String session, String text) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("events").addObject().put("type", "agent.session.input.message").put("input", text);
        JsonCalls.send(baseUrl, "POST", "/v1/agents/sessions/" + session + "/events", key, body.toString()).expect(202);
    }

    /**
     * Sends a user message and waits for the turn it starts to end, by polling (a stream of a turn
     * with megabytes of output may be cut off for a slow reader); the turn.
     */
    JsonNode run(String session, String text) throws InterruptedException {
        int before = turns(session).size();
        say(session, text);
        awaitSession(session, s -> s.path("status").asText().equals("idle") && turns(session).size() > before
                && List.of("completed", "failed", "cancelled").contains(turns(session).getLast().path("status").asText()));
        return turns(session).getLast();
    }

    /** Sends a user message and returns the session's events until it is idle again. */
    List<SseFollower.Event> turn(String session, String text) {
        try (SseFollower events = SseFollower.open(baseUrl, "GET", "/v1/agents/sessions/" + session + "/events", key, null, Map.of())) {
            say(session, text);
            return events.until(e -> e.type().equals("agent.session.idle"), PATIENCE);
        }
    }

    JsonNode session(String session) {
        return JsonCalls.send(baseUrl, "GET", "/v1/agents/sessions/" + session, key, null).expect(200);
    }

    /** The session once {@code condition} holds of it; fails after {@link #PATIENCE}. */
    JsonNode awaitSession(String session, Predicate<JsonNode> condition) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            JsonNode shown = session(session);
            if (condition.test(shown)) return shown;
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + PATIENCE.toSeconds() + " s; the session: " + shown);
            Thread.sleep(50);
        }
    }

    JsonNode awaitIdle(String session) throws InterruptedException {
        return awaitSession(session, s -> s.path("status").asText().equals("idle"));
    }

    List<JsonNode> items(String session) {
        return list("/v1/agents/sessions/" + session + "/items?order=asc&limit=100");
    }

    List<JsonNode> items(String session, String type) {
        return items(session).stream().filter(i -> i.path("type").asText().equals(type)).toList();
    }

    List<JsonNode> turns(String session) {
        return list("/v1/agents/sessions/" + session + "/turns?order=asc");
    }

    /** The text of the model's last answer. */
    String lastAnswer(String session) {
        JsonNode answer = items(session).stream().filter(i -> i.path("role").asText().equals("assistant")).reduce((a, b) -> b).orElseThrow();
        return answer.path("content").path(0).path("text").asText();
    }

    private List<JsonNode> list(String path) {
        JsonNode data = JsonCalls.send(baseUrl, "GET", path, key, null).expect(200).path("data");
        return StreamSupport.stream(data.spliterator(), false).toList();
    }
}
