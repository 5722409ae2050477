package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.beta.agents.AgentSession;
import com.openai.models.beta.agents.AgentSessionEvent;
import com.openai.models.beta.agents.AgentSessionInputMessageParam;
import com.openai.models.beta.agents.sessions.SessionCreateParams;
import com.openai.models.beta.agents.sessions.events.EventCreateParams;
import com.openai.models.beta.agents.sessions.items.ItemListParams;
import com.openai.services.blocking.beta.agents.SessionService;
import dev.quarry.testing.TestQuarry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A history that outgrows its model's window: with {@code agent.compaction} the session's own model
 * summarises it (a {@code compaction} item, readable through the SDK as an item it does not know)
 * and the turn goes on; without it the turn fails {@code context_length_exceeded}.
 */
class AgentCompactionTest {
    /** The echo model behind a window of 600 tokens: two long messages and an answer fill it. */
    private static final String TINY = "models: [{ id: tiny, context_window: 600, deployments: [{ provider: quarry-echo, model: quarry/echo }] }]";
    private static TestQuarry quarry;
    private static SessionService sessions;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start(TINY, Map.of());
        sessions = AgentTurnsSdkTest.client(quarry, quarry.newKey("compact")).beta().agents().sessions();
    }

    @AfterAll
    static void stop() {
        quarry.close();
    }

    private static AgentSessionEvent turn(String sessionId, String text) {
        try (StreamResponse<AgentSessionEvent> stream = sessions.events().streamStreaming(sessionId)) {
            var events = stream.stream().iterator();
            sessions.events().create(sessionId, EventCreateParams.builder().addAgentSessionInputMessageEvent(List.of(
                    AgentSessionInputMessageParam.builder().role(JsonValue.from("user")).addInputTextContent(text).build())).build());
            List<AgentSessionEvent> read = AgentTurnsSdkTest.readUntil(events, e -> e.isTurnCompleted() || e.isTurnFailed());
            return read.getLast();
        }
    }

    private static AgentSession session(boolean compaction) {
        SessionCreateParams.Agent.Builder agent = SessionCreateParams.Agent.builder().model("tiny");
        if (compaction) agent.putAdditionalProperty("compaction", JsonValue.from(Map.of("async", false)));
        return sessions.create(SessionCreateParams.builder().environmentNone().agent(agent.build()).build());
    }

    @Test
    void aLongHistoryIsCompactedAndTheTurnGoesOn() {
        AgentSession session = session(true);
        assertThat(turn(session.id(), "a".repeat(800)).isTurnCompleted()).isTrue();
        AgentSessionEvent second = turn(session.id(), "b".repeat(800));
        assertThat(second.isTurnCompleted()).as("the second turn, after compaction: %s", AgentTurnsSdkTest.json(second)).isTrue();
        List<JsonNode> items = new ArrayList<>();
        sessions.items().list(session.id(), ItemListParams.builder().order(ItemListParams.Order.ASC).build()).autoPager()
                .forEach(item -> items.add(AgentTurnsSdkTest.json(item)));
        assertThat(items).extracting(i -> i.path("type").asText())
                .containsExactly("message", "message", "message", "compaction", "message");
        JsonNode compaction = items.get(3);
        assertThat(compaction.path("summary").asText()).as("the model's summary (the echo model repeats the transcript it read, cut to the "
                + "summary's allowance)").startsWith("You said: ").contains("aaaa");
        assertThat(items.getLast().path("content").get(0).path("text").asText()).startsWith("You said: Summary of the conversation so far");
        JsonNode shown = AgentTurnsSdkTest.json(sessions.retrieve(session.id()));
        assertThat(shown.path("agent").path("compaction").path("async").isBoolean()).as("compaction shown as on").isTrue();
    }

    @Test
    void withoutCompactionTheTurnFailsContextLengthExceeded() {
        AgentSession session = session(false);
        assertThat(turn(session.id(), "a".repeat(800)).isTurnCompleted()).isTrue();
        AgentSessionEvent second = turn(session.id(), "b".repeat(800));
        assertThat(second.isTurnFailed()).isTrue();
        assertThat(second.asTurnFailed().turn().error().orElseThrow().code().toString()).isEqualTo("context_length_exceeded");
    }
}
