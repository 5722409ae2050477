package dev.quarry.acceptance;

import static dev.quarry.acceptance.AgentTurnsSdkTest.readUntil;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.beta.agents.AgentSession;
import com.openai.models.beta.agents.AgentSessionEvent;
import com.openai.models.beta.agents.AgentSessionInputMessageParam;
import com.openai.models.beta.agents.AgentSessionInputParam;
import com.openai.models.beta.agents.AgentSessionItem;
import com.openai.models.beta.agents.AgentToolParam;
import com.openai.models.beta.agents.McpTransportParam;
import com.openai.models.beta.agents.sessions.SessionCreateParams;
import com.openai.models.beta.agents.sessions.SessionListParams;
import com.openai.models.beta.agents.sessions.events.EventCreateParams;
import com.openai.models.beta.agents.sessions.items.ItemListPage;
import com.openai.models.beta.agents.sessions.items.ItemListParams;
import com.openai.models.beta.agents.sessions.turns.Turn;
import com.openai.models.beta.agents.sessions.turns.TurnListPage;
import com.openai.models.beta.agents.sessions.turns.TurnListParams;
import dev.quarry.testing.StubMcpServer;
import dev.quarry.testing.TestQuarry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Everything Quarry's Agents API sends, read back through the official OpenAI Java SDK and
 * {@code validate()}d: a wrong type or a missing required field in any session, event, item, turn
 * or list page fails here, where a test reading only the fields it needs would pass. One session
 * goes through a streamed creation, a function tool, MCP tools (one that answers, one that
 * fails), a cancelled MCP call and a plain turn after it.
 */
class AgentsWireConformanceTest {
    private static final StubMcpServer STUB = new StubMcpServer();
    private static final TestQuarry QUARRY = TestQuarry.start("""
            agents:
              mcp:
                allow_insecure_hosts: ["127.0.0.1"]
                allow_private_hosts: ["127.0.0.1"]
            """, Map.of());

    @AfterAll
    static void stop() {
        QUARRY.close();
        STUB.close();
    }

    private static OpenAIClient client() {
        return OpenAIOkHttpClient.builder().baseUrl(QUARRY.baseUrl() + "/v1").apiKey(QUARRY.newKey("wire")).maxRetries(0)
                .timeout(Duration.ofSeconds(30)).build();
    }

    private static EventCreateParams message(String text) {
        return EventCreateParams.builder().addAgentSessionInputMessageEvent(List.of(AgentSessionInputMessageParam.builder()
                .role(JsonValue.from("user")).addInputTextContent(text).build())).build();
    }

    @Test
    void everyObjectOfASessionsLifeValidatesAgainstTheSdksModels() {
        OpenAIClient client = client();
        var sessions = client.beta().agents().sessions();
        List<AgentSessionEvent> events = new ArrayList<>();
        SessionCreateParams.Agent agent = SessionCreateParams.Agent.builder().model("quarry/echo").instructions("Use your tools.")
                .addTool(AgentToolParam.Function.builder().name("get_weather").description("Weather in a city")
                        .parameters(AgentToolParam.Function.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object")).build())
                        .build())
                .addTool(AgentToolParam.Mcp.builder().serverLabel("tools").transport(McpTransportParam.Http.builder().serverUrl(STUB.url()).build())
                        .build())
                .build();
        try (StreamResponse<AgentSessionEvent> stream = sessions.createStreaming(SessionCreateParams.builder().environmentNone().agent(agent)
                .input("hello").metadata(SessionCreateParams.Metadata.builder().putAdditionalProperty("k", JsonValue.from("v")).build()).build())) {
            events.addAll(readUntil(stream.stream().iterator(), AgentSessionEvent::isIdle));
        }
        String sessionId = events.getFirst().asCreated().session().id();

        // A function tool: the session waits for its result in required_actions.
        try (var stream = sessions.events().streamStreaming(sessionId)) {
            sessions.events().create(sessionId, message("[[call get_weather {\"city\": \"Oslo\"}]]"));
            events.addAll(readUntil(stream.stream().iterator(), AgentSessionEvent::isRequiresAction));
        }
        AgentSession waiting = sessions.retrieve(sessionId).validate();
        assertThat(waiting.status()).isEqualTo(AgentSession.Status.REQUIRES_ACTION);
        var action = waiting.requiredActions().getFirst().asFunctionCall();
        try (var stream = sessions.events().streamStreaming(sessionId)) {
            sessions.events().create(sessionId, EventCreateParams.builder().addEvent(AgentSessionInputParam.AgentSessionInputToolResult.builder()
                    .turnId(action.turnId()).callId(action.callId()).success(true).output("Sunny").build()).build());
            events.addAll(readUntil(stream.stream().iterator(), AgentSessionEvent::isIdle));
        }

        // MCP tools: one that answers, one that fails.
        for (String text : List.of("[[call tools__echo {\"text\": \"hi\"}]]", "[[call tools__fail {}]]")) {
            try (var stream = sessions.events().streamStreaming(sessionId)) {
                sessions.events().create(sessionId, message(text));
                events.addAll(readUntil(stream.stream().iterator(), AgentSessionEvent::isIdle));
            }
        }

        // A cancel while an MCP call is in flight.
        STUB.slowFor(Duration.ofSeconds(10));
        try (var stream = sessions.events().streamStreaming(sessionId)) {
            sessions.events().create(sessionId, message("[[call tools__slow {}]]"));
            Iterator<AgentSessionEvent> it = stream.stream().iterator();
            events.addAll(readUntil(it, e -> e.isTurnItemAdded() && e.asTurnItemAdded().item().isMcpCall()));
            sessions.events().create(sessionId, EventCreateParams.builder().addEventAgentSessionInputCancel().build());
            events.addAll(readUntil(it, AgentSessionEvent::isIdle));
        }

        // A plain turn after the cancel.
        try (var stream = sessions.events().streamStreaming(sessionId)) {
            sessions.events().create(sessionId, message("again"));
            events.addAll(readUntil(stream.stream().iterator(), AgentSessionEvent::isIdle));
        }

        List<String> types = new ArrayList<>();
        for (AgentSessionEvent event : events) {
            event.validate();
            types.add(AgentTurnsSdkTest.type(event));
        }
        assertThat(types).contains("agent.session.created", "agent.session.in_progress", "agent.session.requires_action", "agent.session.idle",
                "agent.session.turn.created", "agent.session.turn.in_progress", "agent.session.turn.completed", "agent.session.turn.cancelled",
                "agent.session.turn.item.added", "agent.session.turn.item.done", "agent.session.turn.content_part.added",
                "agent.session.turn.content_part.done", "agent.session.turn.output_text.delta", "agent.session.turn.output_text.done");
        assertThat(events.stream().filter(AgentSessionEvent::isTurnCancelled).findFirst().orElseThrow().asTurnCancelled().turn().status())
                .isEqualTo(Turn.Status.CANCELLED);

        AgentSession session = sessions.retrieve(sessionId).validate();
        assertThat(session.status()).isEqualTo(AgentSession.Status.IDLE);
        assertThat(session.createdAt()).isPositive();
        sessions.list(SessionListParams.builder().limit(5).build()).response().validate();

        List<String> itemTypes = new ArrayList<>();
        ItemListPage page = sessions.items().list(sessionId, ItemListParams.builder().limit(3).order(ItemListParams.Order.ASC).build());
        while (true) {
            page.response().validate();
            page.data().forEach(item -> itemTypes.add(AgentTurnsSdkTest.json(item.validate()).path("type").asText()));
            if (!page.hasNextPage()) break;
            page = page.nextPage();
        }
        assertThat(itemTypes).contains("message", "function_call", "function_call_output", "mcp_call");

        TurnListPage turns = sessions.turns().list(sessionId, TurnListParams.builder().limit(100).build());
        turns.response().validate();
        assertThat(turns.data()).hasSize(6);
        for (Turn turn : turns.data()) {
            turn.validate();
            sessions.turns().retrieve(turn.id(), com.openai.models.beta.agents.sessions.turns.TurnRetrieveParams.builder().sessionId(sessionId).build())
                    .validate();
            var turnItems = sessions.turns().items().list(turn.id(),
                    com.openai.models.beta.agents.sessions.turns.items.ItemListParams.builder().sessionId(sessionId).build());
            turnItems.response().validate();
            turnItems.data().forEach(AgentSessionItem::validate);
        }
    }

    @Test
    void aFailedTurnAndItsSessionValidate() {
        OpenAIClient client = client();
        var sessions = client.beta().agents().sessions();
        SessionCreateParams.Agent agent = SessionCreateParams.Agent.builder().model("quarry/echo")
                .addTool(AgentToolParam.Mcp.builder().serverLabel("down").transport(McpTransportParam.Http.builder()
                        .serverUrl("http://127.0.0.1:9/mcp").build()).required(true).build())
                .build();
        List<AgentSessionEvent> events;
        try (StreamResponse<AgentSessionEvent> stream = sessions.createStreaming(SessionCreateParams.builder().environmentNone().agent(agent)
                .input("[[call down__echo {}]]").build())) {
            events = readUntil(stream.stream().iterator(), e -> e.isIdle() || e.isFailed());
        }
        events.forEach(AgentSessionEvent::validate);
        var failed = events.stream().filter(AgentSessionEvent::isTurnFailed).findFirst().orElseThrow().asTurnFailed();
        assertThat(failed.turn().error().orElseThrow().code().toString()).isEqualTo("connection_failed");
        AgentSession session = sessions.retrieve(failed.sessionId()).validate();
        assertThat(session.error()).hasValueSatisfying(error -> assertThat(error).startsWith("connection_failed: "));
        sessions.turns().list(session.id()).response().validate();
    }

    @Test
    void aSavedAgentItsSessionAndTheirDeletionsValidate() {
        OpenAIClient client = client();
        var agents = client.beta().agents();
        com.openai.models.beta.agents.Agent saved = agents.create(com.openai.models.beta.agents.AgentCreateParams.builder().name("wire")
                .model("quarry/echo").instructions("Be brief.")
                .addTool(com.openai.models.beta.agents.PersistedAgentToolParam.Mcp.builder().serverLabel("tools")
                        .transport(com.openai.models.beta.agents.PersistedMcpTransportParam.Http.builder().serverUrl(STUB.url()).build()).build())
                .build()).validate();
        agents.retrieve(saved.id()).validate();
        agents.list().response().validate();
        var sessions = agents.sessions();
        AgentSession session = sessions.create(SessionCreateParams.builder().environmentNone().agentId(saved.id()).build()).validate();
        assertThat(session.agent().id()).isEqualTo(saved.id());
        sessions.delete(session.id()).validate();
        agents.delete(saved.id()).validate();
    }

    @Test
    void anAgentReadBackFromASessionCanBeSentAgain() {
        String key = QUARRY.newKey("round-trip");
        var created = QUARRY.call("POST", "/v1/agents/sessions", key, """
                {"environment": {"type": "none"}, "agent": {"model": "quarry/echo", "tools": [{"type": "function", "name": "f"}]}}""")
                .expect(200);
        var agent = (com.fasterxml.jackson.databind.node.ObjectNode) created.path("agent").deepCopy();
        agent.remove("id");
        var again = QUARRY.call("POST", "/v1/agents/sessions", key, "{\"environment\": {\"type\": \"none\"}, \"agent\": " + agent + "}")
                .expect(200);
        var shownAgain = (com.fasterxml.jackson.databind.node.ObjectNode) again.path("agent").deepCopy();
        shownAgain.remove("id");
        assertThat(shownAgain).isEqualTo(agent);
    }
}
