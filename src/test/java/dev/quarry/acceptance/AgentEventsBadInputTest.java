package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.testing.Eventually;
import dev.quarry.testing.JsonCalls;
import dev.quarry.testing.RawH2c;
import dev.quarry.testing.SseFollower;
import dev.quarry.testing.TestQuarry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The session input and read routes against an outsider's requests, on SQLite and PostgreSQL:
 * every refusal is OpenAI's error object with the right status and param, and a refused post
 * changes nothing (no turn, no item, no idempotency key kept). Limits: 1 to 32 events a post, a
 * message of at most 256 KiB characters (SessionEventsCodec.MAX_TEXT), a body of at most 1 MiB,
 * an Idempotency-Key of 1 to 255 characters.
 */
class AgentEventsBadInputTest {
    private static final Map<String, TestQuarry> SERVERS = new ConcurrentHashMap<>();
    private static final String ECHO = "{\"agent\": {\"model\": \"quarry/echo\"}}";
    private static final int MAX_TEXT = 256 * 1024;

    static TestQuarry quarry(String target) {
        return SERVERS.computeIfAbsent(target, TestQuarry::startOn);
    }

    @AfterAll
    static void stop() {
        SERVERS.values().forEach(TestQuarry::close);
        SERVERS.clear();
    }

    static JsonNode error(JsonCalls.Reply reply, int status, String type, String param) {
        JsonNode error = reply.expect(status).path("error");
        assertThat(error.isObject()).as(reply.body()).isTrue();
        assertThat(error.path("message").asText()).as(reply.body()).isNotBlank();
        assertThat(error.has("code")).as(reply.body()).isTrue();
        assertThat(error.path("type").asText()).as(reply.body()).isEqualTo(type);
        if (param != null) assertThat(error.path("param").asText()).as(reply.body()).isEqualTo(param);
        return error;
    }

    static JsonNode invalid(JsonCalls.Reply reply, String param) {
        return error(reply, 400, "invalid_request_error", param);
    }

    static String session(TestQuarry quarry, String key, String body) {
        return quarry.call("POST", "/v1/agents/sessions", key, body).expect(200).path("id").asText();
    }

    static String message(String text) {
        return "{\"type\": \"agent.session.input.message\", \"input\": " + quote(text) + "}";
    }

    static String quote(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    static String events(String... events) {
        return "{\"events\": [" + String.join(", ", events) + "]}";
    }

    static JsonCalls.Reply post(TestQuarry quarry, String key, String session, String body) {
        return quarry.call("POST", "/v1/agents/sessions/" + session + "/events", key, body);
    }

    static JsonNode get(TestQuarry quarry, String key, String path) {
        return quarry.call("GET", path, key, null).expect(200);
    }

    /** Waits until the session is idle with no turn open, and returns its turns, oldest first. */
    static JsonNode settled(TestQuarry quarry, String key, String session) {
        Eventually.within(Duration.ofSeconds(30), () -> {
            assertThat(get(quarry, key, "/v1/agents/sessions/" + session).path("status").asText()).isEqualTo("idle");
            get(quarry, key, "/v1/agents/sessions/" + session + "/turns?limit=100").path("data")
                    .forEach(t -> assertThat(t.path("status").asText()).isIn("completed", "failed", "cancelled"));
        });
        return get(quarry, key, "/v1/agents/sessions/" + session + "/turns?order=asc&limit=100").path("data");
    }

    static List<JsonNode> items(TestQuarry quarry, String key, String session) {
        List<JsonNode> out = new ArrayList<>();
        get(quarry, key, "/v1/agents/sessions/" + session + "/items?order=asc&limit=100").path("data").forEach(out::add);
        return out;
    }

    static String text(JsonNode item) {
        return item.path("content").path(0).path("text").asText();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void anotherPrincipalsSessionIsNotFoundOnEveryRoute(String target) {
        TestQuarry quarry = quarry(target);
        String owner = quarry.newKey("owner-" + target);
        String stranger = quarry.newKey("stranger-" + target);
        String id = session(quarry, owner, ECHO);
        post(quarry, owner, id, events(message("mine"))).expect(202);
        String turn = settled(quarry, owner, id).path(0).path("id").asText();
        for (String session : List.of(id, "sess_01JZZZZZZZZZZZZZZZZZZZZZZZ")) {
            String base = "/v1/agents/sessions/" + session;
            error(post(quarry, stranger, session, events(message("theirs"))), 404, "invalid_request_error", "session_id");
            error(quarry.call("GET", base + "/events", stranger, null), 404, "invalid_request_error", "session_id");
            error(quarry.call("GET", base + "/items", stranger, null), 404, "invalid_request_error", "session_id");
            error(quarry.call("GET", base + "/turns", stranger, null), 404, "invalid_request_error", "session_id");
            error(quarry.call("GET", base + "/turns/" + turn, stranger, null), 404, "invalid_request_error", "session_id");
            error(quarry.call("GET", base + "/turns/" + turn + "/items", stranger, null), 404, "invalid_request_error", "session_id");
        }
        // The owner's unknown turn: a 404 naming the turn.
        error(quarry.call("GET", "/v1/agents/sessions/" + id + "/turns/turn_nope", owner, null), 404, "invalid_request_error", "turn_id");
        error(quarry.call("GET", "/v1/agents/sessions/" + id + "/turns/turn_nope/items", owner, null), 404, "invalid_request_error", "turn_id");
        assertThat(items(quarry, owner, id)).hasSize(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void malformedIdsAreNotFoundWithoutAskingTheStore(String target) {
        TestQuarry quarry = quarry(target);
        String key = quarry.newKey("ids-" + target);
        String id = session(quarry, key, ECHO);
        List<String> bad = List.of("sess_%00", "sess_" + "A".repeat(10_000), "sess_%D7%A9%D7%9C%D7%95%D7%9D", "sess_%F0%9F%98%80",
                "sess_%E2%80%8B", "%20");
        for (String session : bad) {
            String base = "/v1/agents/sessions/" + session;
            error(post(quarry, key, session, events(message("x"))), 404, "invalid_request_error", "session_id");
            for (String path : List.of("/events", "/items", "/turns", "/turns/turn_x", "/turns/turn_x/items")) {
                error(quarry.call("GET", base + path, key, null), 404, "invalid_request_error", "session_id");
            }
        }
        JsonNode long404 = error(quarry.call("GET", "/v1/agents/sessions/sess_" + "A".repeat(10_000), key, null), 404, "invalid_request_error",
                "session_id");
        assertThat(long404.path("message").asText()).hasSizeLessThan(200);
        for (String turn : List.of("turn_%00", "turn_" + "B".repeat(10_000), "turn_%F0%9F%98%80")) {
            error(quarry.call("GET", "/v1/agents/sessions/" + id + "/turns/" + turn, key, null), 404, "invalid_request_error", "turn_id");
            error(quarry.call("GET", "/v1/agents/sessions/" + id + "/turns/" + turn + "/items", key, null), 404, "invalid_request_error", "turn_id");
        }
        invalid(quarry.call("GET", "/v1/agents/sessions/" + id + "/items?after=item_%00", key, null), "after");
        invalid(quarry.call("GET", "/v1/agents/sessions/" + id + "/turns?after=turn_%00", key, null), "after");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void badPostsAreRefusedByNameAndChangeNothing(String target) {
        TestQuarry quarry = quarry(target);
        String key = quarry.newKey("posts-" + target);
        String id = session(quarry, key, ECHO);
        invalid(post(quarry, key, id, "{\"events\": "), null);
        invalid(post(quarry, key, id, "not json"), null);
        invalid(post(quarry, key, id, "[" + message("x") + "]"), null);
        invalid(post(quarry, key, id, "{}"), "events");
        invalid(post(quarry, key, id, "{\"events\": null}"), "events");
        invalid(post(quarry, key, id, "{\"events\": {}}"), "events");
        invalid(post(quarry, key, id, events()), "events");
        String many = IntStream.range(0, 33).mapToObj(i -> message("m" + i)).collect(Collectors.joining(", "));
        invalid(post(quarry, key, id, "{\"events\": [" + many + "]}"), "events");
        invalid(post(quarry, key, id, events("{\"type\": \"agent.session.input.telepathy\"}")), "events[0].type");
        invalid(post(quarry, key, id, events("{\"input\": \"x\"}")), "events[0].type");
        invalid(post(quarry, key, id, events("{\"type\": 5}")), "events[0].type");
        invalid(post(quarry, key, id, events("\"agent.session.input.message\"")), "events[0]");
        invalid(post(quarry, key, id, events(message("x")).replace("]}", "], \"stream\": true}")), "stream");
        invalid(post(quarry, key, id, events("{\"type\": \"agent.session.input.message\", \"input\": \"x\", \"role\": \"user\"}")),
                "events[0].role");
        invalid(post(quarry, key, id, events("{\"type\": \"agent.session.input.cancel\", \"reason\": \"x\"}")), "events[0].reason");
        invalid(post(quarry, key, id, events("{\"type\": \"agent.session.input.message\"}")), "events[0].input");
        invalid(post(quarry, key, id, events("{\"type\": \"agent.session.input.message\", \"input\": 7}")), "events[0].input");
        invalid(post(quarry, key, id, events("{\"type\": \"agent.session.input.message\", \"input\": true}")), "events[0].input");
        invalid(post(quarry, key, id, events("{\"type\": \"agent.session.input.message\", \"input\": {\"text\": \"x\"}}")), "events[0].input");
        invalid(post(quarry, key, id, events("{\"type\": \"agent.session.input.message\", \"input\": []}")), "events[0].input");
        invalid(post(quarry, key, id, events("{\"type\": \"agent.session.input.message\", \"input\": \"   \"}")), "events[0].input");
        invalid(post(quarry, key, id, events("{\"type\": \"agent.session.input.message\", \"input\": [{\"role\": \"assistant\", \"content\": \"x\"}]}")),
                "events[0].input[0].role");
        invalid(post(quarry, key, id, events("{\"type\": \"agent.session.input.message\", \"input\": [{\"role\": \"user\", \"content\": [{\"type\": "
                + "\"input_text\", \"text\": 3}]}]}")), "events[0].input[0].content[0].text");
        error(post(quarry, key, id, events("{\"type\": \"agent.session.input.message\", \"input\": [{\"role\": \"user\", \"content\": [{\"type\": "
                + "\"input_image\", \"image_url\": \"https://x/y.png\"}]}]}")), 400, "invalid_request_error", "events[0].input[0].content[0].type");
        JsonNode computer = invalid(post(quarry, key, id, events("{\"type\": \"agent.session.input.computer_use_approval_request_result\", "
                + "\"approved\": true}")), "events[0].type");
        assertThat(computer.path("message").asText()).contains("not supported");
        // Text: at most 256 KiB characters (MAX_TEXT), a string or parts joined.
        invalid(post(quarry, key, id, events(message("x".repeat(MAX_TEXT + 1)))), "events[0].input");
        invalid(post(quarry, key, id, events("{\"type\": \"agent.session.input.message\", \"input\": [{\"role\": \"user\", \"content\": [{\"type\": "
                + "\"input_text\", \"text\": \"" + "x".repeat(MAX_TEXT / 2) + "\"}, {\"type\": \"input_text\", \"text\": \"" + "y".repeat(MAX_TEXT / 2)
                + "\"}]}]}")), "events[0].input[0].content[1].text");
        // Over the route's 1 MiB: 413, in OpenAI's shape.
        error(post(quarry, key, id, events(message("z".repeat(1024 * 1024)))), 413, "invalid_request_error", null);

        assertThat(get(quarry, key, "/v1/agents/sessions/" + id + "/turns").path("data")).isEmpty();
        assertThat(items(quarry, key, id)).isEmpty();
        // The limit itself is accepted.
        post(quarry, key, id, events(message("x".repeat(MAX_TEXT)))).expect(202);
        settled(quarry, key, id);
        assertThat(text(items(quarry, key, id).getFirst())).hasSize(MAX_TEXT);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aPostIsAppliedWholeOrNotAtAll(String target) {
        TestQuarry quarry = quarry(target);
        String key = quarry.newKey("atomic-" + target);
        String id = session(quarry, key, ECHO);
        // The second event is refused by the codec, or only once the first has opened a turn (a result for no call).
        invalid(post(quarry, key, id, events(message("first"), "{\"type\": \"agent.session.input.nope\"}")), "events[1].type");
        JsonNode unknown = invalid(post(quarry, key, id, events(message("first"), "{\"type\": \"agent.session.input.tool_result\", "
                + "\"turn_id\": \"turn_x\", \"call_id\": \"call_x\", \"success\": true, \"output\": \"o\"}")), "events[1].call_id");
        assertThat(unknown.path("message").asText()).startsWith("Unknown pending tool call: ");
        assertThat(get(quarry, key, "/v1/agents/sessions/" + id + "/turns").path("data")).isEmpty();
        assertThat(items(quarry, key, id)).isEmpty();
        assertThat(get(quarry, key, "/v1/agents/sessions/" + id).path("status").asText()).isEqualTo("idle");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void toolResultsForUnknownCallsOrAnotherTurnsCallAreRefused(String target) {
        TestQuarry quarry = quarry(target);
        String key = quarry.newKey("results-" + target);
        String id = session(quarry, key, "{\"agent\": {\"model\": \"quarry/echo\", \"tools\": [{\"type\": \"function\", \"name\": \"f\", "
                + "\"parameters\": {\"type\": \"object\"}}]}}");
        post(quarry, key, id, events(message("[[call f {}]]"))).expect(202);
        Eventually.within(Duration.ofSeconds(20), () -> assertThat(get(quarry, key, "/v1/agents/sessions/" + id).path("status").asText())
                .isEqualTo("requires_action"));
        JsonNode action = get(quarry, key, "/v1/agents/sessions/" + id).path("required_actions").path(0);
        String firstTurn = action.path("turn_id").asText();
        String firstCall = action.path("call_id").asText();
        assertThat(firstCall).isNotBlank();
        String result = "{\"type\": \"agent.session.input.tool_result\", \"turn_id\": \"%s\", \"call_id\": \"%s\", \"success\": true, \"output\": \"%s\"}";
        JsonNode unknown = invalid(post(quarry, key, id, events(result.formatted(firstTurn, "call_nope", "o"))), "events[0].call_id");
        assertThat(unknown.path("message").asText()).isEqualTo("Unknown pending tool call: call_nope");
        invalid(post(quarry, key, id, events(result.formatted(firstTurn, firstCall, "o"), result.formatted(firstTurn, "call_nope", "o"))),
                "events[1].call_id");
        invalid(post(quarry, key, id, events(result.formatted("turn_%00", firstCall, "o"))), "events[0].turn_id");
        invalid(post(quarry, key, id, events(result.formatted(firstTurn, "c".repeat(81), "o"))), "events[0].call_id");
        invalid(post(quarry, key, id, events(result.formatted(firstTurn, firstCall, "o").replace("true", "\"yes\""))), "events[0].success");
        // None of the refused posts answered the call.
        assertThat(get(quarry, key, "/v1/agents/sessions/" + id).path("required_actions")).hasSize(1);
        post(quarry, key, id, events(result.formatted(firstTurn, firstCall, "sunny"))).expect(202);
        settled(quarry, key, id);

        // A second turn's call, answered with the first turn's id (or the first turn's call with the second's): unknown.
        post(quarry, key, id, events(message("[[call f {\"n\": 2}]]"))).expect(202);
        Eventually.within(Duration.ofSeconds(20), () -> assertThat(get(quarry, key, "/v1/agents/sessions/" + id).path("status").asText())
                .isEqualTo("requires_action"));
        JsonNode second = get(quarry, key, "/v1/agents/sessions/" + id).path("required_actions").path(0);
        JsonNode crossed = invalid(post(quarry, key, id, events(result.formatted(firstTurn, second.path("call_id").asText(), "o"))),
                "events[0].call_id");
        assertThat(crossed.path("message").asText()).startsWith("Unknown pending tool call: ");
        crossed = invalid(post(quarry, key, id, events(result.formatted(second.path("turn_id").asText(), firstCall, "o"))), "events[0].call_id");
        assertThat(crossed.path("message").asText()).isEqualTo("Unknown pending tool call: " + firstCall);
        post(quarry, key, id, events("{\"type\": \"agent.session.input.cancel\"}")).expect(202);
        settled(quarry, key, id);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void anIdempotencyKeyRepeatsNothingAndRefusesAnotherBody(String target) throws Exception {
        TestQuarry quarry = quarry(target);
        String key = quarry.newKey("idem-" + target);
        String other = quarry.newKey("idem-other-" + target);
        String id = session(quarry, key, ECHO);
        String body = events(message("once"));
        assertThat(postWithKey(quarry, key, id, body, "k-1").statusCode()).isEqualTo(202);
        settled(quarry, key, id);
        HttpResponse<String> again = postWithKey(quarry, key, id, body, "k-1");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
        HttpResponse<String> changed = postWithKey(quarry, key, id, events(message("twice")), "k-1");
        JsonNode conflict = error(new JsonCalls.Reply(changed.statusCode(), changed.body()), 409, "invalid_request_error", "Idempotency-Key");
        assertThat(conflict.path("code").asText()).isEqualTo("conflict");
        HttpResponse<String> tooLong = postWithKey(quarry, key, id, body, "k".repeat(256));
        invalid(new JsonCalls.Reply(tooLong.statusCode(), tooLong.body()), "Idempotency-Key");
        assertThat(postWithKey(quarry, key, id, events(message("max key")), "k".repeat(255)).statusCode()).isEqualTo(202);
        settled(quarry, key, id);
        assertThat(settled(quarry, key, id)).hasSize(2);
        // The same key, another principal, their own session: independent.
        String theirs = session(quarry, other, ECHO);
        assertThat(postWithKey(quarry, other, theirs, events(message("theirs")), "k-1").statusCode()).isEqualTo(202);
        assertThat(settled(quarry, other, theirs)).hasSize(1);
        assertThat(items(quarry, key, id).stream().filter(i -> i.path("role").asText().equals("user")).map(AgentEventsBadInputTest::text))
                .containsExactly("once", "max key");
    }

    static HttpResponse<String> postWithKey(TestQuarry quarry, String key, String session, String body, String idempotencyKey) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/v1/agents/sessions/" + session + "/events"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json").header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aSessionIsDeletedOnlyWithNoTurnOpen(String target) {
        TestQuarry quarry = quarry(target);
        String key = quarry.newKey("delete-" + target);
        String id = session(quarry, key, "{\"agent\": {\"model\": \"quarry/echo\", \"tools\": [{\"type\": \"function\", \"name\": \"f\"}]}}");
        post(quarry, key, id, events(message("[[call f {}]]"))).expect(202);
        Eventually.within(Duration.ofSeconds(20), () -> assertThat(get(quarry, key, "/v1/agents/sessions/" + id).path("status").asText())
                .isEqualTo("requires_action"));
        JsonNode busy = error(quarry.call("DELETE", "/v1/agents/sessions/" + id, key, null), 409, "invalid_request_error", "session_id");
        assertThat(busy.path("message").asText()).contains("agent.session.input.cancel");
        // Still works: cancelled, then a new turn.
        post(quarry, key, id, events("{\"type\": \"agent.session.input.cancel\"}")).expect(202);
        settled(quarry, key, id);
        post(quarry, key, id, events(message("after"))).expect(202);
        assertThat(settled(quarry, key, id)).hasSize(2);
        assertThat(quarry.call("DELETE", "/v1/agents/sessions/" + id, key, null).expect(200).path("deleted").asBoolean()).isTrue();
        error(post(quarry, key, id, events(message("gone"))), 404, "invalid_request_error", "session_id");
        error(quarry.call("GET", "/v1/agents/sessions/" + id + "/events", key, null), 404, "invalid_request_error", "session_id");
        error(quarry.call("DELETE", "/v1/agents/sessions/" + id, key, null), 404, "invalid_request_error", "session_id");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void hostileTextRoundTripsOrIsRefusedClearly(String target) {
        TestQuarry quarry = quarry(target);
        String key = quarry.newKey("text-" + target);
        String id = session(quarry, key, ECHO);
        String rtl = "\u202Eשלום\u202C abc \u200B\u200D\uFEFF 😀🧑‍🚀 \uD834\uDD1E";
        post(quarry, key, id, events(message(rtl))).expect(202);
        settled(quarry, key, id);
        List<JsonNode> items = items(quarry, key, id);
        assertThat(text(items.get(0))).isEqualTo(rtl);
        assertThat(text(items.get(1))).isEqualTo("You said: " + rtl);

        // A lone surrogate cannot be stored as UTF-8: refused, not turned into '?'.
        invalid(post(quarry, key, id, events("{\"type\": \"agent.session.input.message\", \"input\": \"a\\ud800b\"}")), "events[0].input");
        invalid(post(quarry, key, id, events("{\"type\": \"agent.session.input.message\", \"input\": \"a\\udc00\"}")), "events[0].input");
        // NUL: refused on both stores alike (PostgreSQL refuses NUL in text).
        invalid(post(quarry, key, id, events("{\"type\": \"agent.session.input.message\", \"input\": \"a\\u0000b\"}")), "events[0].input");
        invalid(quarry.call("POST", "/v1/agents/sessions", key, "{\"agent\": {\"model\": \"quarry/echo\"}, \"input\": \"a\\u0000b\"}"), "input");
        assertThat(settled(quarry, key, id)).hasSize(1);
        assertThat(items(quarry, key, id)).hasSize(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void lastEventIdResumesExactlyAfterItOrIsRefused(String target) {
        TestQuarry quarry = quarry(target);
        String key = quarry.newKey("resume-" + target);
        String id = session(quarry, key, ECHO);
        String otherId = session(quarry, key, ECHO);
        List<SseFollower.Event> all;
        try (SseFollower stream = follow(quarry, key, id, Map.of())) {
            post(quarry, key, id, events(message("one"))).expect(202);
            all = stream.until(e -> e.type().equals("agent.session.idle"), Duration.ofSeconds(20));
        }
        List<SseFollower.Event> committed = all.stream().filter(e -> !e.id().contains(".")).toList();
        assertThat(committed.size()).isGreaterThan(4);
        SseFollower.Event from = committed.get(2);
        try (SseFollower stream = follow(quarry, key, id, Map.of("Last-Event-ID", from.id()))) {
            List<SseFollower.Event> replay = stream.until(e -> e.id().equals(committed.getLast().id()), Duration.ofSeconds(10));
            assertThat(replay.stream().map(SseFollower.Event::id)).containsExactlyElementsOf(
                    committed.subList(3, committed.size()).stream().map(SseFollower.Event::id).toList());
            assertThat(stream.drain(Duration.ofMillis(300))).isEmpty();
        }
        String ownPrefix = from.id().substring(0, from.id().lastIndexOf('_') + 1);
        String otherPrefix = "evt_" + otherId.substring("sess_".length()) + "_";
        for (String bad : List.of("garbage", "evt_", ownPrefix, ownPrefix + "x", ownPrefix + "-1", ownPrefix + "99999999999999999999",
                otherPrefix + "0", "evt_\u00e9_1")) {
            try (SseFollower refused = follow(quarry, key, id, Map.of("Last-Event-ID", bad))) {
                invalid(refused.reply(), "Last-Event-ID");
            }
        }
    }

    /** Over HTTP/2 cleartext the same refusals come back, in the same shape, and a good post after them is taken. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void overHttp2TheRefusalsAreTheSame(String target) throws Exception {
        TestQuarry quarry = quarry(target);
        String key = quarry.newKey("h2c-" + target);
        String id = session(quarry, key, ECHO);
        invalid(h2c(quarry, key, "/v1/agents/sessions/" + id + "/events", "{\"events\": 5}", Map.of()), "events");
        invalid(h2c(quarry, key, "/v1/agents/sessions/" + id + "/events", events(message("x")), Map.of("idempotency-key", "k".repeat(256))),
                "Idempotency-Key");
        error(h2c(quarry, key, "/v1/agents/sessions/sess_" + "C".repeat(10_000) + "/events", events(message("x")), Map.of()), 404,
                "invalid_request_error", "session_id");
        assertThat(h2c(quarry, key, "/v1/agents/sessions/" + id + "/events", events(message("over h2")), Map.of("idempotency-key", "h2")).status())
                .isEqualTo(202);
        assertThat(h2c(quarry, key, "/v1/agents/sessions/" + id + "/events", events(message("over h2")), Map.of("idempotency-key", "h2")).status())
                .isEqualTo(202);
        assertThat(settled(quarry, key, id)).hasSize(1);
    }

    private static JsonCalls.Reply h2c(TestQuarry quarry, String key, String path, String body, Map<String, String> headers) throws Exception {
        int port = quarry.quarry().port();
        List<Map.Entry<String, String>> block = new ArrayList<>(List.of(Map.entry(":method", "POST"), Map.entry(":scheme", "http"),
                Map.entry(":path", path), Map.entry(":authority", "127.0.0.1:" + port), Map.entry("content-type", "application/json"),
                Map.entry("authorization", "Bearer " + key)));
        block.addAll(headers.entrySet());
        RawH2c.Response response = RawH2c.send(port, block, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new JsonCalls.Reply(response.status(), response.bodyText());
    }

    static SseFollower follow(TestQuarry quarry, String key, String session, Map<String, String> headers) {
        return SseFollower.open(quarry.baseUrl(), "GET", "/v1/agents/sessions/" + session + "/events", key, null, headers);
    }
}
