package dev.quarry.acceptance;

import static dev.quarry.acceptance.AgentEventsBadInputTest.events;
import static dev.quarry.acceptance.AgentEventsBadInputTest.items;
import static dev.quarry.acceptance.AgentEventsBadInputTest.message;
import static dev.quarry.acceptance.AgentEventsBadInputTest.post;
import static dev.quarry.acceptance.AgentEventsBadInputTest.session;
import static dev.quarry.acceptance.AgentEventsBadInputTest.settled;
import static dev.quarry.acceptance.AgentEventsBadInputTest.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.testing.JsonCalls;
import dev.quarry.testing.SlowChatUpstream;
import dev.quarry.testing.SseFollower;
import dev.quarry.testing.StoreTargets;
import dev.quarry.testing.TestQuarry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Messages that arrive while a turn runs, and posts that race, on SQLite and PostgreSQL: a message
 * posted while the model answers is taken in before the turn's next model call (after the answer
 * it arrived during: the turn does not end while a message waits); concurrent posts to one idle
 * session open exactly one turn and every message is taken in, once; many sessions at once all
 * complete; a client that hangs up does not stop its turn.
 */
class AgentSteeringConcurrencyTest {
    private static final SlowChatUpstream SLOW = new SlowChatUpstream(20, Duration.ofMillis(50));
    private static final Map<String, TestQuarry> SERVERS = new ConcurrentHashMap<>();
    private static final String SLOW_AGENT = "{\"agent\": {\"model\": \"slow\"}}";

    static TestQuarry quarry(String target) {
        return SERVERS.computeIfAbsent(target, t -> {
            String store = t.equals("sqlite") ? "" : "store: { url: \"" + StoreTargets.freshUrl(t) + "\" }\n";
            return TestQuarry.start(store + SLOW.modelConfig(), Map.of());
        });
    }

    @AfterAll
    static void stop() {
        SERVERS.values().forEach(TestQuarry::close);
        SERVERS.clear();
        SLOW.close();
    }

    private static List<String> sentTo(String marker) {
        return SLOW.requests().stream().filter(body -> body.contains(marker)).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aMessageDuringTheAnswerIsTakenInBeforeTheNextModelCall(String target) {
        TestQuarry quarry = quarry(target);
        String key = quarry.newKey("steer-" + target);
        String id = session(quarry, key, SLOW_AGENT);
        String first = "first " + target + " " + id;
        String second = "steer " + target + " " + id;
        try (SseFollower stream = SseFollower.open(quarry.baseUrl(), "GET", "/v1/agents/sessions/" + id + "/events", key, null, Map.of())) {
            post(quarry, key, id, events(message(first))).expect(202);
            // The model is answering: the turn's intake for this call is behind it.
            stream.until(e -> e.type().equals("agent.session.turn.output_text.delta"), Duration.ofSeconds(20));
            post(quarry, key, id, events(message(second))).expect(202);
        }
        JsonNode turns = settled(quarry, key, id);
        assertThat(turns).hasSize(1);
        assertThat(turns.path(0).path("status").asText()).isEqualTo("completed");
        List<JsonNode> items = items(quarry, key, id);
        assertThat(items.stream().map(i -> i.path("role").asText() + ":" + (i.path("role").asText().equals("user") ? text(i) : "answer")))
                .containsExactly("user:" + first, "assistant:answer", "user:" + second, "assistant:answer");
        assertThat(items.stream().map(i -> i.path("turn_id").asText()).distinct()).hasSize(1);
        // The first model call did not see it; the second did, after the first answer.
        List<String> calls = sentTo(first);
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0)).doesNotContain(second);
        assertThat(calls.get(1)).contains(second);
        assertThat(calls.get(1).indexOf("w19")).isBetween(calls.get(1).indexOf(first), calls.get(1).indexOf(second));
    }

    /**
     * A turn cancelled while a message waits for it ends with the message in its items (unanswered,
     * but in the conversation the next turn's model reads): the message is not dropped, nor moved
     * into the next turn behind that turn's own message.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aMessageWaitingWhenTheTurnIsCancelledStaysInThatTurn(String target) {
        TestQuarry quarry = quarry(target);
        String key = quarry.newKey("steer-cancel-" + target);
        String id = session(quarry, key, SLOW_AGENT);
        String first = "first " + id;
        String waiting = "waiting " + id;
        try (SseFollower stream = SseFollower.open(quarry.baseUrl(), "GET", "/v1/agents/sessions/" + id + "/events", key, null, Map.of())) {
            post(quarry, key, id, events(message(first))).expect(202);
            stream.until(e -> e.type().equals("agent.session.turn.output_text.delta"), Duration.ofSeconds(20));
            post(quarry, key, id, events(message(waiting), "{\"type\": \"agent.session.input.cancel\"}")).expect(202);
        }
        JsonNode turns = settled(quarry, key, id);
        assertThat(turns).hasSize(1);
        assertThat(turns.path(0).path("status").asText()).isEqualTo("cancelled");
        String next = "next " + id;
        post(quarry, key, id, events(message(next))).expect(202);
        turns = settled(quarry, key, id);
        assertThat(turns).hasSize(2);
        List<JsonNode> items = items(quarry, key, id);
        String firstTurn = turns.path(0).path("id").asText();
        assertThat(items.stream().filter(i -> i.path("role").asText().equals("user")).map(i -> i.path("turn_id").asText() + ":" + text(i)))
                .containsExactly(firstTurn + ":" + first, firstTurn + ":" + waiting, turns.path(1).path("id").asText() + ":" + next);
        assertThat(sentTo(next).getLast()).contains(waiting);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void concurrentPostsToOneIdleSessionOpenOneTurnAndLoseNothing(String target) throws Exception {
        TestQuarry quarry = quarry(target);
        String key = quarry.newKey("race-" + target);
        String id = session(quarry, key, SLOW_AGENT);
        int n = 20;
        List<JsonCalls.Reply> replies = all(n, i -> post(quarry, key, id, events(message("race " + i + " " + id))));
        assertThat(replies).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(202));
        JsonNode turns = settled(quarry, key, id);
        assertThat(turns).hasSize(1);
        assertThat(turns.path(0).path("status").asText()).isEqualTo("completed");
        List<JsonNode> items = items(quarry, key, id);
        assertThat(new HashSet<>(items.stream().map(i -> i.path("id").asText()).toList())).hasSize(items.size());
        List<String> users = items.stream().filter(i -> i.path("role").asText().equals("user")).map(AgentEventsBadInputTest::text).toList();
        assertThat(users).containsExactlyInAnyOrderElementsOf(IntStream.range(0, n).mapToObj(i -> "race " + i + " " + id).toList());
        // Every message was answered: the turn ends with the model's answer to the last of them.
        assertThat(items.getLast().path("role").asText()).isEqualTo("assistant");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void manySessionsPostingAtOnceAllComplete(String target) throws Exception {
        TestQuarry quarry = quarry(target);
        String key = quarry.newKey("many-" + target);
        int n = 20;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) ids.add(session(quarry, key, "{\"agent\": {\"model\": \"quarry/echo\"}}"));
        List<JsonCalls.Reply> replies = all(n, i -> post(quarry, key, ids.get(i), events(message("hello " + i))));
        assertThat(replies).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(202));
        for (int i = 0; i < n; i++) {
            JsonNode turns = settled(quarry, key, ids.get(i));
            assertThat(turns).hasSize(1);
            assertThat(turns.path(0).path("status").asText()).isEqualTo("completed");
            assertThat(items(quarry, key, ids.get(i)).stream().map(AgentEventsBadInputTest::text)).containsExactly("hello " + i,
                    "You said: hello " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aClientThatHangsUpDoesNotStopItsTurn(String target) {
        TestQuarry quarry = quarry(target);
        String key = quarry.newKey("hangup-" + target);
        String id;
        try (SseFollower stream = SseFollower.open(quarry.baseUrl(), "POST", "/v1/agents/sessions", key,
                "{\"agent\": {\"model\": \"slow\"}, \"input\": \"hang up " + target + "\", \"stream\": true}", Map.of())) {
            List<SseFollower.Event> seen = stream.until(e -> e.type().equals("agent.session.turn.output_text.delta"), Duration.ofSeconds(20));
            id = seen.getFirst().data().path("session").path("id").asText();
        }
        JsonNode turns = settled(quarry, key, id);
        assertThat(turns.path(0).path("status").asText()).isEqualTo("completed");
        assertThat(text(items(quarry, key, id).getLast())).startsWith("w0 ").contains("w19");
    }

    /** {@code n} calls made at once (released together), their replies in order. */
    private static List<JsonCalls.Reply> all(int n, java.util.function.IntFunction<JsonCalls.Reply> call) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<JsonCalls.Reply>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int at = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return call.apply(at);
                }));
            }
            go.countDown();
            List<JsonCalls.Reply> replies = new ArrayList<>();
            for (Future<JsonCalls.Reply> f : futures) replies.add(f.get());
            return replies;
        }
    }
}
