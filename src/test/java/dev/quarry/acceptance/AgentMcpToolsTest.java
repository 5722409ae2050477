package dev.quarry.acceptance;

import static dev.quarry.acceptance.AgentTurnsSdkTest.json;
import static dev.quarry.acceptance.AgentTurnsSdkTest.readUntil;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.models.beta.agents.AgentSession;
import com.openai.models.beta.agents.AgentSessionEvent;
import com.openai.models.beta.agents.AgentSessionInputMessageParam;
import com.openai.models.beta.agents.AgentToolParam;
import com.openai.models.beta.agents.McpTransportParam;
import com.openai.models.beta.agents.sessions.SessionCreateParams;
import com.openai.models.beta.agents.sessions.events.EventCreateParams;
import com.openai.models.beta.agents.sessions.items.ItemListParams;
import com.openai.models.beta.agents.sessions.turns.Turn;
import dev.quarry.testing.Eventually;
import dev.quarry.testing.StoreTargets;
import dev.quarry.testing.StubMcpServer;
import dev.quarry.testing.TestQuarry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MCP tools end to end, through the official OpenAI Java SDK's agents client against a stub MCP
 * server: a turn calls a tool (with its idempotency key and the session's credentials, which are
 * never shown back), several calls of one answer run in parallel, {@code allowed_tools} filters,
 * a server that is down is left out or fails the turn, a policy denies a call, every call of the
 * session is audited with its session, the SSRF guard keeps the metadata address and loopback out
 * unless allowed, and a cancel interrupts a call in flight.
 */
class AgentMcpToolsTest {
    private static final String ALLOW_STUB = """
            agents:
              mcp:
                allow_insecure_hosts: ["127.0.0.1"]
                allow_private_hosts: ["127.0.0.1"]
                connect_timeout_seconds: 3
            """;
    private static final StubMcpServer STUB = new StubMcpServer();
    private static final Map<String, TestQuarry> SERVERS = new ConcurrentHashMap<>();

    private static TestQuarry quarry(String target) {
        return SERVERS.computeIfAbsent(target, t -> {
            String store = t.equals("sqlite") ? "" : "store: { url: \"" + StoreTargets.freshUrl(t) + "\" }\n";
            return TestQuarry.start(store + ALLOW_STUB, Map.of());
        });
    }

    /** A Quarry with the default MCP settings: no plain http, no private addresses. */
    private static TestQuarry guarded() {
        return SERVERS.computeIfAbsent("guarded", t -> TestQuarry.start("", Map.of()));
    }

    @AfterAll
    static void stop() {
        SERVERS.values().forEach(TestQuarry::close);
        SERVERS.clear();
        STUB.close();
    }

    private static AgentToolParam.Mcp.Builder tool(String label, String url) {
        return AgentToolParam.Mcp.builder().serverLabel(label).transport(McpTransportParam.Http.builder().serverUrl(url).build());
    }

    private static AgentSession session(OpenAIClient client, AgentToolParam.Mcp... tools) {
        SessionCreateParams.Agent.Builder agent = SessionCreateParams.Agent.builder().model("quarry/echo").instructions("Use your tools.");
        for (AgentToolParam.Mcp tool : tools) agent.addTool(tool);
        return client.beta().agents().sessions().create(SessionCreateParams.builder().environmentNone().agent(agent.build()).build());
    }

    /** Sends {@code text} and reads the session's events until it is idle again. */
    private static List<AgentSessionEvent> turn(OpenAIClient client, String sessionId, String text) {
        var sessions = client.beta().agents().sessions();
        try (var stream = sessions.events().streamStreaming(sessionId)) {
            sessions.events().create(sessionId, message(text));
            return readUntil(stream.stream().iterator(), AgentSessionEvent::isIdle);
        }
    }

    private static EventCreateParams message(String text) {
        return EventCreateParams.builder().addAgentSessionInputMessageEvent(List.of(AgentSessionInputMessageParam.builder()
                .role(JsonValue.from("user")).addInputTextContent(text).build())).build();
    }

    private static List<JsonNode> items(OpenAIClient client, String sessionId) {
        List<JsonNode> items = new ArrayList<>();
        client.beta().agents().sessions().items().list(sessionId, ItemListParams.builder().order(ItemListParams.Order.ASC).build()).autoPager()
                .forEach(item -> items.add(json(item)));
        return items;
    }

    private static List<JsonNode> ofType(List<JsonNode> items, String type) {
        return items.stream().filter(i -> i.path("type").asText().equals(type)).toList();
    }

    private static String finalAnswer(List<AgentSessionEvent> events) {
        return events.stream().filter(AgentSessionEvent::isTurnOutputTextDone).map(e -> e.asTurnOutputTextDone().text()).reduce((a, b) -> b)
                .orElseThrow();
    }

    private static Turn onlyTurn(OpenAIClient client, String sessionId) {
        var turns = client.beta().agents().sessions().turns().list(sessionId).data();
        assertThat(turns).hasSize(1);
        return turns.getFirst();
    }

    /** The session's audit events, once {@code until} holds of them: the trail is written behind the calls. */
    private static List<JsonNode> audit(TestQuarry quarry, String sessionId, java.util.function.Predicate<List<JsonNode>> until) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<JsonNode> events = new ArrayList<>();
            quarry.admin("GET", "/admin/audit?session=" + sessionId + "&limit=100", null).expect(200).path("events").forEach(events::add);
            if (until.test(events) || System.nanoTime() > deadline) return events;
            sleep(50);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aTurnCallsAnMcpToolWithItsKeyAndCredentialsWhichAreNeverShownBack(String target) {
        TestQuarry quarry = quarry(target);
        OpenAIClient client = AgentTurnsSdkTest.client(quarry, quarry.newKey("mcp-call-" + target));
        int metasBefore = STUB.metas().size();
        int requestsBefore = STUB.requests().size();
        AgentSession session = session(client, AgentToolParam.Mcp.builder().serverLabel("tools")
                .transport(McpTransportParam.Http.builder().serverUrl(STUB.url()).authorization("Bearer stub-secret-" + target)
                        .headers(McpTransportParam.Http.Headers.builder().putAdditionalProperty("X-Team", JsonValue.from("blue-" + target)).build())
                        .build()).build());

        List<AgentSessionEvent> events = turn(client, session.id(), "[[call tools__echo {\"text\": \"héllo\"}]]");

        Turn turn = onlyTurn(client, session.id());
        assertThat(turn.status()).isEqualTo(Turn.Status.COMPLETED);
        JsonNode call = ofType(items(client, session.id()), "mcp_call").getFirst();
        assertThat(List.of(call.path("server_label").asText(), call.path("name").asText(), call.path("status").asText()))
                .containsExactly("tools", "echo", "completed");
        assertThat(call.path("arguments").asText()).contains("héllo");
        assertThat(call.path("output").asText()).isEqualTo("{\"text\":\"héllo\"}");

        List<JsonNode> metas = STUB.metas().subList(metasBefore, STUB.metas().size());
        assertThat(metas).hasSize(1);
        String key = metas.getFirst().path("dev.quarry/idempotency_key").asText();
        assertThat(key).startsWith(turn.id() + ":").hasSizeGreaterThan(turn.id().length() + 1);
        assertThat(finalAnswer(events)).isEqualTo("Tool " + key.substring(turn.id().length() + 1) + " returned: {\"text\":\"héllo\"}");
        List<Map<String, String>> requests = STUB.requests().subList(requestsBefore, STUB.requests().size());
        assertThat(requests).isNotEmpty().allSatisfy(headers -> {
            assertThat(headers).containsEntry("authorization", "Bearer stub-secret-" + target);
            assertThat(headers).containsEntry("x-team", "blue-" + target);
        });

        JsonNode shown = json(client.beta().agents().sessions().retrieve(session.id()));
        JsonNode transport = shown.path("agent").path("tools").get(0).path("transport");
        assertThat(transport.path("server_url").asText()).isEqualTo(STUB.url());
        assertThat(transport.has("authorization")).isFalse();
        assertThat(transport.has("headers")).isFalse();
        assertThat(shown.toString()).doesNotContain("stub-secret").doesNotContain("blue-" + target);
    }
}
