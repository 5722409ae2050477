package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.beta.agents.AgentSession;
import com.openai.models.beta.agents.AgentSessionEvent;
import com.openai.models.beta.agents.AgentSessionInputMessageParam;
import com.openai.models.beta.agents.AgentSessionInputParam;
import com.openai.models.beta.agents.AgentToolParam;
import com.openai.models.beta.agents.sessions.SessionCreateParams;
import com.openai.models.beta.agents.sessions.events.EventCreateParams;
import com.openai.models.beta.agents.sessions.turns.Turn;
import com.openai.services.blocking.beta.agents.SessionService;
import dev.quarry.metering.UsageRecord;
import dev.quarry.testing.LoopingChatUpstream;
import dev.quarry.testing.TestQuarry;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * What stops a runaway agent. A session's spending cap ({@code spend_control.limit}, in cents) against an agent that would
 * loop forever on a priced model (each answer differs, so it is not stopped as a loop): the turn fails
 * {@code session_budget_exceeded}, and what the
 * session spent, by the ledger, is within the cap plus one call's reservation. The same call
 * answered the same way three times in a row ends the turn as a loop.
 */
class AgentTurnLimitsTest {

    @Test
    void aLoopingAgentStopsAtItsSessionBudget() {
        // Each call: 1,000 tokens in at $2/M and 200 out at $10/M, $0.004; five cents pay for about twelve.
        try (LoopingChatUpstream upstream = new LoopingChatUpstream("spin", 1000, 200);
             TestQuarry quarry = TestQuarry.start(upstream.modelConfig(2, 10), Map.of())) {
            OpenAIClient client = AgentTurnsSdkTest.client(quarry, quarry.newKey("looper"));
            var sessions = client.beta().agents().sessions();
            AgentSession session = sessions.create(SessionCreateParams.builder().environmentNone().agent(looper())
                    .spendControl(SessionCreateParams.SpendControl.builder().limit(5).build()).build());
            AgentSessionEvent last = driveUntilTheTurnEnds(sessions, session.id(), callId -> "spun " + callId);
            assertThat(last).isNotNull();
            assertThat(last.isTurnFailed()).as("the turn ends on the cap").isTrue();
            Turn turn = last.asTurnFailed().turn();
            assertThat(turn.status()).isEqualTo(Turn.Status.FAILED);
            assertThat(turn.error().orElseThrow().code().toString()).isEqualTo("session_budget_exceeded");
            assertThat(turn.error().orElseThrow().message()).contains("spend_control.limit");

            long spent = quarry.ledgerFor("looper", 1000).stream().mapToLong(r -> r.costMicros() == null ? 0 : r.costMicros()).sum();
            long oneCall = 4_000;
            assertThat(spent).as("spent within the cap and one call").isLessThanOrEqualTo(50_000 + oneCall);
            assertThat(spent).as("the cap was nearly used").isGreaterThan(50_000 - 3 * oneCall);
            assertThat(upstream.served()).isGreaterThan(5);
            AgentSession after = sessions.retrieve(session.id());
            assertThat(after.spendControl().orElseThrow().limit()).isEqualTo(5);
            assertThat(after.spendControl().orElseThrow().consumed()).hasValueSatisfying(c -> assertThat(c).isBetween(4L, 6L));
        }
    }

    @Test
    void theSameCallAnsweredTheSameWayThreeTimesEndsTheTurnAsALoop() {
        try (LoopingChatUpstream upstream = new LoopingChatUpstream("spin", 10, 10);
             TestQuarry quarry = TestQuarry.start(upstream.modelConfig(0, 0), Map.of())) {
            var sessions = AgentTurnsSdkTest.client(quarry, quarry.newKey("circler")).beta().agents().sessions();
            AgentSession session = sessions.create(SessionCreateParams.builder().environmentNone().agent(looper()).build());
            AgentSessionEvent last = driveUntilTheTurnEnds(sessions, session.id(), callId -> "the same");
            assertThat(last.isTurnFailed()).isTrue();
            assertThat(last.asTurnFailed().turn().error().orElseThrow().code().toString()).isEqualTo("loop_detected");
            assertThat(upstream.served()).isEqualTo(3);
        }
    }

    private static SessionCreateParams.Agent looper() {
        return SessionCreateParams.Agent.builder().model("looper").addTool(AgentToolParam.Function.builder().name("spin")
                .description("Spins once more")
                .parameters(AgentToolParam.Function.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object")).build())
                .build()).build();
    }

    /** Posts a message, then answers every function call with {@code answer(call id)}, until the turn ends; its last event. */
    private static AgentSessionEvent driveUntilTheTurnEnds(SessionService sessions, String sessionId, UnaryOperator<String> answer) {
        AgentSessionEvent last = null;
        try (StreamResponse<AgentSessionEvent> stream = sessions.events().streamStreaming(sessionId)) {
            Iterator<AgentSessionEvent> events = stream.stream().iterator();
            sessions.events().create(sessionId, EventCreateParams.builder().addAgentSessionInputMessageEvent(List.of(
                    AgentSessionInputMessageParam.builder().role(JsonValue.from("user")).addInputTextContent("spin until you cannot").build()))
                    .build());
            while (events.hasNext()) {
                last = events.next();
                if (last.isTurnFailed() || last.isTurnCompleted()) break;
                if (last.isRequiresAction()) {
                    var action = sessions.retrieve(sessionId).requiredActions().getFirst().asFunctionCall();
                    sessions.events().create(sessionId, EventCreateParams.builder().addEvent(
                            AgentSessionInputParam.AgentSessionInputToolResult.builder().turnId(action.turnId()).callId(action.callId())
                                    .success(true).output(answer.apply(action.callId())).build()).build());
                }
            }
        }
        return last;
    }
}
