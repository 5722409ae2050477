package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.ObjectMappers;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.beta.agents.AgentSession;
import com.openai.models.beta.agents.AgentSessionEvent;
import com.openai.models.beta.agents.AgentSessionInputMessageParam;
import com.openai.models.beta.agents.AgentSessionInputParam;
import com.openai.models.beta.agents.AgentToolParam;
import com.openai.models.beta.agents.sessions.SessionCreateParams;
import com.openai.models.beta.agents.sessions.SessionUpdateParams;
import com.openai.models.beta.agents.sessions.events.EventCreateParams;
import com.openai.models.beta.agents.sessions.items.ItemListParams;
import com.openai.models.beta.agents.sessions.turns.Turn;
import dev.quarry.metering.UsageRecord;
import dev.quarry.testing.SlowChatUpstream;
import dev.quarry.testing.StoreTargets;
import dev.quarry.testing.TestQuarry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Turns run by Quarry's harness, through the official OpenAI Java SDK's agents client: a session
 * created with {@code stream: true} streams its first turn to {@code idle}; a function tool's
 * call is answered through {@code required_actions}; items and turns list with paging; a session
 * moves from one provider's model to another's between turns; a turn is cancelled mid-answer; the
 * ledger holds the session's model calls. On SQLite and on PostgreSQL.
 */
class AgentTurnsSdkTest {
    private static final SlowChatUpstream SLOW = new SlowChatUpstream(150, Duration.ofMillis(20));
    private static final Map<String, TestQuarry> SERVERS = new ConcurrentHashMap<>();

    static TestQuarry quarry(String target) {
        return SERVERS.computeIfAbsent(target, t -> {
            String store = t.equals("sqlite") ? "" : "store: { url: \"" + StoreTargets.freshUrl(t) + "\" }\n";
            return TestQuarry.start(store + SLOW.modelConfig(), Map.of());
        });
    }

    static OpenAIClient client(TestQuarry quarry, String key) {
        return OpenAIOkHttpClient.builder().baseUrl(quarry.baseUrl() + "/v1").apiKey(key).maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    static void stop() {
        SERVERS.values().forEach(TestQuarry::close);
        SERVERS.clear();
        SLOW.close();
    }

    private static SessionCreateParams.Agent.Builder agent(String model) {
        return SessionCreateParams.Agent.builder().model(model).instructions("Answer briefly.");
    }

    /** Reads events until one matches {@code last} (included), or the stream ends. */
    static List<AgentSessionEvent> readUntil(Iterator<AgentSessionEvent> it, Predicate<AgentSessionEvent> last) {
        List<AgentSessionEvent> events = new ArrayList<>();
        while (it.hasNext()) {
            AgentSessionEvent event = it.next();
            events.add(event);
            if (last.test(event)) break;
        }
        return events;
    }

    /** An SDK object as the JSON it was read from. */
    static JsonNode json(Object sdkObject) {
        return ObjectMappers.jsonMapper().valueToTree(sdkObject);
    }

    static String type(AgentSessionEvent event) {
        return json(event).path("type").asText();
    }

    static String eventId(AgentSessionEvent event) {
        return json(event).path("event_id").asText();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aSessionCreatedWithStreamTrueStreamsItsFirstTurnToIdle(String target) {
        TestQuarry quarry = quarry(target);
        OpenAIClient client = client(quarry, quarry.newKey("stream-" + target));
        List<AgentSessionEvent> events;
        try (StreamResponse<AgentSessionEvent> stream = client.beta().agents().sessions().createStreaming(SessionCreateParams.builder()
                .environmentNone().agent(agent("quarry/echo").build()).input("héllo, wörld 🌍").build())) {
            events = readUntil(stream.stream().iterator(), AgentSessionEvent::isIdle);
        }
        List<String> types = events.stream().map(AgentTurnsSdkTest::type).toList();
        assertThat(types.getFirst()).isEqualTo("agent.session.created");
        assertThat(types).containsSubsequence("agent.session.turn.created", "agent.session.in_progress", "agent.session.turn.in_progress",
                "agent.session.turn.item.added", "agent.session.turn.output_text.delta", "agent.session.turn.output_text.done",
                "agent.session.turn.item.done", "agent.session.turn.completed", "agent.session.idle");
        assertThat(types.getLast()).isEqualTo("agent.session.idle");
        String deltas = String.join("", events.stream().filter(AgentSessionEvent::isTurnOutputTextDelta)
                .map(e -> e.asTurnOutputTextDelta().delta()).toList());
        assertThat(deltas).isEqualTo("You said: héllo, wörld 🌍");
        Set<String> ids = new HashSet<>();
        events.forEach(e -> assertThat(ids.add(eventId(e))).as("event ids are unique").isTrue());
        var completed = events.stream().filter(AgentSessionEvent::isTurnCompleted).findFirst().orElseThrow().asTurnCompleted();
        assertThat(completed.turn().status()).isEqualTo(Turn.Status.COMPLETED);
        assertThat(completed.usage()).isPresent();
        assertThat(completed.usage().get().outputTokens()).isPositive();

        String sessionId = events.getFirst().asCreated().session().id();
        AgentSession session = client.beta().agents().sessions().retrieve(sessionId);
        assertThat(session.status()).isEqualTo(AgentSession.Status.IDLE);
        assertThat(session.usage()).isPresent();
        List<UsageRecord> ledger = quarry.ledgerFor("stream-" + target, 10);
        assertThat(ledger).hasSize(1);
        assertThat(ledger.getFirst().surface()).isEqualTo("agents.harness");
        assertThat(ledger.getFirst().sessionId()).isEqualTo(sessionId);
        assertThat(ledger.getFirst().turnId()).isEqualTo(completed.turnId());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aFunctionToolIsAnsweredThroughRequiredActions(String target) {
        TestQuarry quarry = quarry(target);
        OpenAIClient client = client(quarry, quarry.newKey("tools-" + target));
        var sessions = client.beta().agents().sessions();
        AgentSession session = sessions.create(SessionCreateParams.builder().environmentNone()
                .agent(agent("quarry/echo").addTool(AgentToolParam.Function.builder().name("get_weather").description("Weather in a city")
                        .parameters(AgentToolParam.Function.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object")).build())
                        .build()).build()).build());
        List<AgentSessionEvent> events;
        try (StreamResponse<AgentSessionEvent> stream = sessions.events().streamStreaming(session.id())) {
            sessions.events().create(session.id(), EventCreateParams.builder()
                    .addAgentSessionInputMessageEvent(List.of(AgentSessionInputMessageParam.builder()
                            .role(JsonValue.from("user")).addInputTextContent("[[call get_weather {\"city\": \"Oslo\"}]]").build()))
                    .build());
            events = readUntil(stream.stream().iterator(), AgentSessionEvent::isRequiresAction);
        }
        AgentSession waiting = sessions.retrieve(session.id());
        assertThat(waiting.status()).isEqualTo(AgentSession.Status.REQUIRES_ACTION);
        assertThat(waiting.requiredActions()).hasSize(1);
        var action = waiting.requiredActions().getFirst().asFunctionCall();
        assertThat(action.name()).isEqualTo("get_weather");
        assertThat(events.stream().map(AgentTurnsSdkTest::type)).contains("agent.session.requires_action");

        // A result for a call that does not exist: the message the SDK's tool loop retries on.
        assertThatThrownBy(() -> sessions.events().create(session.id(), EventCreateParams.builder()
                .addEvent(AgentSessionInputParam.AgentSessionInputToolResult.builder().turnId(action.turnId()).callId("call_nope").success(true)
                        .output("x").build()).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("Unknown pending tool call: call_nope");

        try (StreamResponse<AgentSessionEvent> stream = sessions.events().streamStreaming(session.id())) {
            sessions.events().create(session.id(), EventCreateParams.builder()
                    .addEvent(AgentSessionInputParam.AgentSessionInputToolResult.builder().turnId(action.turnId()).callId(action.callId())
                            .success(true).output("Sunny, 21 °C").build()).build());
            events = readUntil(stream.stream().iterator(), AgentSessionEvent::isIdle);
        }
        String answer = events.stream().filter(AgentSessionEvent::isTurnOutputTextDone).map(e -> e.asTurnOutputTextDone().text()).findFirst()
                .orElseThrow();
        assertThat(answer).isEqualTo("Tool " + action.callId() + " returned: Sunny, 21 °C");

        var items = sessions.items().list(session.id(), ItemListParams.builder().limit(2).order(ItemListParams.Order.ASC).build());
        assertThat(items.data()).hasSize(2);
        assertThat(items.hasNextPage()).isTrue();
        List<String> all = new ArrayList<>();
        items.autoPager().forEach(item -> all.add(json(item).path("type").asText()));
        assertThat(all).containsExactly("message", "function_call", "function_call_output", "message");
        var turns = sessions.turns().list(session.id());
        assertThat(turns.data()).hasSize(1);
        assertThat(turns.data().getFirst().status()).isEqualTo(Turn.Status.COMPLETED);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aSessionMovesToAnotherProvidersModelBetweenTurns(String target) {
        TestQuarry quarry = quarry(target);
        OpenAIClient client = client(quarry, quarry.newKey("switch-" + target));
        var sessions = client.beta().agents().sessions();
        String sessionId;
        try (var stream = sessions.createStreaming(SessionCreateParams.builder().environmentNone().agent(agent("quarry/echo").build())
                .input("first").build())) {
            sessionId = readUntil(stream.stream().iterator(), AgentSessionEvent::isIdle).getFirst().asCreated().session().id();
        }
        sessions.update(sessionId, SessionUpdateParams.builder().agent(SessionUpdateParams.Agent.builder().model("slow").build()).build());
        List<AgentSessionEvent> events;
        try (var stream = sessions.events().streamStreaming(sessionId)) {
            sessions.events().create(sessionId, EventCreateParams.builder().addAgentSessionInputMessageEvent(List.of(
                    AgentSessionInputMessageParam.builder().role(JsonValue.from("user"))
                            .addInputTextContent("second").build())).build());
            events = readUntil(stream.stream().iterator(), AgentSessionEvent::isIdle);
        }
        String answer = events.stream().filter(AgentSessionEvent::isTurnOutputTextDone).map(e -> e.asTurnOutputTextDone().text()).findFirst()
                .orElseThrow();
        assertThat(answer).startsWith("w0 w1 w2");
        List<UsageRecord> ledger = quarry.ledgerFor("switch-" + target, 10);
        assertThat(ledger).extracting(UsageRecord::provider).containsExactlyInAnyOrder("quarry-echo", "slow-upstream");
    }

    @Test
    void aTurnIsCancelledMidAnswerWithinASecond() throws Exception {
        TestQuarry quarry = quarry("sqlite");
        OpenAIClient client = client(quarry, quarry.newKey("cancel"));
        var sessions = client.beta().agents().sessions();
        AgentSession session = sessions.create(SessionCreateParams.builder().environmentNone().agent(agent("slow").build()).build());
        int cutBefore = SLOW.cut();
        try (var stream = sessions.events().streamStreaming(session.id())) {
            sessions.events().create(session.id(), EventCreateParams.builder().addAgentSessionInputMessageEvent(List.of(
                    AgentSessionInputMessageParam.builder().role(JsonValue.from("user"))
                            .addInputTextContent("talk").build())).build());
            Iterator<AgentSessionEvent> events = stream.stream().iterator();
            readUntil(events, AgentSessionEvent::isTurnOutputTextDelta);
            long start = System.nanoTime();
            sessions.events().create(session.id(), EventCreateParams.builder().addEventAgentSessionInputCancel().build());
            List<AgentSessionEvent> rest = readUntil(events, AgentSessionEvent::isIdle);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(rest.stream().map(AgentTurnsSdkTest::type)).contains("agent.session.turn.cancelled");
            assertThat(millis).as("cancelled within a second").isLessThan(1000);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (SLOW.cut() == cutBefore && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(SLOW.cut()).as("the upstream call was dropped").isGreaterThan(cutBefore);
        var turns = sessions.turns().list(session.id());
        assertThat(turns.data().getFirst().status()).isEqualTo(Turn.Status.CANCELLED);
        List<String> statuses = new ArrayList<>();
        sessions.items().list(session.id(), ItemListParams.builder().order(ItemListParams.Order.ASC).build()).autoPager()
                .forEach(item -> statuses.add(json(item).path("status").asText()));
        assertThat(statuses).as("the user's message, and the answer cut by the cancel").containsExactly("completed", "incomplete");
    }
}
