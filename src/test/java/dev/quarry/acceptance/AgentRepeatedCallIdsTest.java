package dev.quarry.acceptance;

import static dev.quarry.acceptance.AgentTurnsSdkTest.readUntil;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.models.beta.agents.AgentSession;
import com.openai.models.beta.agents.AgentSessionEvent;
import com.openai.models.beta.agents.AgentSessionInputMessageParam;
import com.openai.models.beta.agents.AgentSessionInputParam;
import com.openai.models.beta.agents.AgentToolParam;
import com.openai.models.beta.agents.sessions.SessionCreateParams;
import com.openai.models.beta.agents.sessions.events.EventCreateParams;
import dev.quarry.testing.StoreTargets;
import dev.quarry.testing.TestQuarry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A model may use the same call id in two turns (the echo model numbers its calls from 1 in every
 * answer, as some providers do): the second turn's call is still a required action, answered by
 * its own result. On SQLite and PostgreSQL.
 */
class AgentRepeatedCallIdsTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aCallIdUsedAgainInALaterTurnIsStillRequired(String target) {
        String store = target.equals("sqlite") ? "" : "store: { url: \"" + StoreTargets.freshUrl(target) + "\" }\n";
        try (TestQuarry quarry = TestQuarry.start(store, Map.of())) {
            OpenAIClient client = AgentTurnsSdkTest.client(quarry, quarry.newKey("repeat"));
            var sessions = client.beta().agents().sessions();
            AgentSession session = sessions.create(SessionCreateParams.builder().environmentNone()
                    .agent(SessionCreateParams.Agent.builder().model("quarry/echo").addTool(AgentToolParam.Function.builder().name("lookup").description("Looks up")
                            .parameters(AgentToolParam.Function.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object")).build())
                            .build()).build()).build());
            for (String result : List.of("first", "second")) {
                try (var stream = sessions.events().streamStreaming(session.id())) {
                    sessions.events().create(session.id(), EventCreateParams.builder().addAgentSessionInputMessageEvent(List.of(
                            AgentSessionInputMessageParam.builder().role(JsonValue.from("user")).addInputTextContent("[[call lookup {}]]").build()))
                            .build());
                    readUntil(stream.stream().iterator(), AgentSessionEvent::isRequiresAction);
                }
                AgentSession waiting = sessions.retrieve(session.id());
                assertThat(waiting.status()).as(result).isEqualTo(AgentSession.Status.REQUIRES_ACTION);
                assertThat(waiting.requiredActions()).as(result).hasSize(1);
                var action = waiting.requiredActions().getFirst().asFunctionCall();
                List<AgentSessionEvent> events;
                try (var stream = sessions.events().streamStreaming(session.id())) {
                    sessions.events().create(session.id(), EventCreateParams.builder().addEvent(AgentSessionInputParam.AgentSessionInputToolResult
                            .builder().turnId(action.turnId()).callId(action.callId()).success(true).output(result).build()).build());
                    events = readUntil(stream.stream().iterator(), AgentSessionEvent::isIdle);
                }
                assertThat(events.stream().filter(AgentSessionEvent::isTurnOutputTextDone).map(e -> e.asTurnOutputTextDone().text()))
                        .containsExactly("Tool " + action.callId() + " returned: " + result);
            }
        }
    }
}
