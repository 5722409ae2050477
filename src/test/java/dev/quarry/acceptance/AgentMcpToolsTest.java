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
import dev.quarry.testing.StoreTargets;
import dev.quarry.testing.StubMcpServer;
import dev.quarry.testing.TestQuarry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
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
    private static List<JsonNode> audit(TestQuarry quarry, String sessionId, Predicate<List<JsonNode>> until) {
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

    @Test
    void theCallsOfOneAnswerRunInParallel() {
        TestQuarry quarry = quarry("sqlite");
        OpenAIClient client = AgentTurnsSdkTest.client(quarry, quarry.newKey("mcp-parallel"));
        AgentSession session = session(client, tool("tools", STUB.url()).build());

        long start = System.nanoTime();
        List<AgentSessionEvent> events = turn(client, session.id(), "[[call tools__nap {\"ms\": 1500}]] [[call tools__nap {\"ms\": 1500}]]");
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(onlyTurn(client, session.id()).status()).isEqualTo(Turn.Status.COMPLETED);
        assertThat(ofType(items(client, session.id()), "mcp_call")).hasSize(2)
                .allSatisfy(call -> assertThat(call.path("output").asText()).isEqualTo("napped"));
        assertThat(finalAnswer(events)).contains("call_echo_1 returned: napped", "call_echo_2 returned: napped");
        assertThat(STUB.mostInFlight()).as("both calls were in flight at once").isGreaterThanOrEqualTo(2);
        assertThat(millis).as("well under the 3 s the calls take one after the other").isLessThan(2800);
    }

    @Test
    void allowedToolsFiltersWhatTheModelIsOffered() {
        TestQuarry quarry = quarry("sqlite");
        OpenAIClient client = AgentTurnsSdkTest.client(quarry, quarry.newKey("mcp-allowed"));
        AgentSession session = session(client, tool("tools", STUB.url()).addAllowedTool("echo").build());
        int failsBefore = STUB.calls("fail");

        List<AgentSessionEvent> events = turn(client, session.id(), "[[call tools__fail {}]]");

        assertThat(finalAnswer(events)).isEqualTo("Cannot call tool 'tools__fail': the request offers only [tools__echo].");
        assertThat(ofType(items(client, session.id()), "mcp_call")).isEmpty();
        assertThat(STUB.calls("fail")).isEqualTo(failsBefore);

        events = turn(client, session.id(), "[[call tools__echo {\"text\": \"allowed\"}]]");
        assertThat(finalAnswer(events)).endsWith("returned: {\"text\":\"allowed\"}");
    }

    @Test
    void aServerThatIsDownIsLeftOutUnlessItIsRequired() throws Exception {
        TestQuarry quarry = quarry("sqlite");
        OpenAIClient client = AgentTurnsSdkTest.client(quarry, quarry.newKey("mcp-down"));
        String down = "http://127.0.0.1:" + closedPort() + "/mcp";

        AgentSession optional = session(client, tool("down", down).required(false).build(), tool("tools", STUB.url()).build());
        List<AgentSessionEvent> events = turn(client, optional.id(), "[[call tools__echo {\"text\": \"still here\"}]]");
        assertThat(onlyTurn(client, optional.id()).status()).isEqualTo(Turn.Status.COMPLETED);
        assertThat(finalAnswer(events)).endsWith("returned: {\"text\":\"still here\"}");
        events = turn(client, optional.id(), "[[call down__echo {}]]");
        assertThat(finalAnswer(events)).startsWith("Cannot call tool 'down__echo': the request offers only [tools__echo,");
        assertThat(ofType(items(client, optional.id()), "mcp_call")).extracting(c -> c.path("server_label").asText()).containsOnly("tools");

        AgentSession required = session(client, tool("down", down).required(true).build());
        events = turn(client, required.id(), "[[call down__echo {}]]");
        assertThat(events.stream().map(AgentTurnsSdkTest::type)).contains("agent.session.turn.failed");
        Turn failed = onlyTurn(client, required.id());
        assertThat(failed.status()).isEqualTo(Turn.Status.FAILED);
        assertThat(json(failed).path("error").path("code").asText()).isEqualTo("connection_failed");
        assertThat(json(failed).path("error").path("message").asText()).contains("'down'", "required");
        JsonNode error = json(client.beta().agents().sessions().retrieve(required.id())).path("error");
        assertThat(error.asText()).startsWith("connection_failed: ");
    }

    @Test
    void aPolicyDeniesACallWhichTheStubNeverSeesAndTheTrailRecordsBothWays() {
        TestQuarry quarry = quarry("sqlite");
        quarry.admin("PUT", "/admin/policies/NoMcpEcho", """
                {"Statement": [{"Sid": "NoEchoTool", "Effect": "Deny", "Action": "quarry:CallMcpTool", "Resource": "mcp/tools/echo"}]}""")
                .expect(200);
        OpenAIClient denied = AgentTurnsSdkTest.client(quarry, quarry.newKey("mcp-denied"));
        quarry.admin("POST", "/admin/policies/NoMcpEcho/attachments", "{\"target_type\": \"principal\", \"target_name\": \"mcp-denied\"}")
                .expect(200);
        AgentSession session = session(denied, tool("tools", STUB.url()).build());
        int echoesBefore = STUB.calls("echo");

        List<AgentSessionEvent> events = turn(denied, session.id(), "[[call tools__echo {\"text\": \"no\"}]]");

        assertThat(onlyTurn(denied, session.id()).status()).isEqualTo(Turn.Status.COMPLETED);
        JsonNode call = ofType(items(denied, session.id()), "mcp_call").getFirst();
        assertThat(call.path("status").asText()).isEqualTo("failed");
        assertThat(call.path("error").asText()).containsIgnoringCase("denied").contains("NoEchoTool");
        assertThat(finalAnswer(events)).contains("failed:");
        assertThat(STUB.calls("echo")).isEqualTo(echoesBefore);
        JsonNode deny = audit(quarry, session.id(), found -> found.stream().anyMatch(e -> e.path("decision").asText().equals("deny")))
                .stream().filter(e -> e.path("decision").asText().equals("deny")).findFirst().orElseThrow();
        assertThat(List.of(deny.path("action").asText(), deny.path("resource").asText(), deny.path("session_id").asText(),
                deny.path("principal_name").asText(), deny.path("deciding_policy").asText()))
                .containsExactly("quarry:CallMcpTool", "mcp/tools/echo", session.id(), "mcp-denied", "NoMcpEcho/NoEchoTool");

        // Another tool of the same server is allowed, and audited as such.
        OpenAIClient allowed = AgentTurnsSdkTest.client(quarry, quarry.newKey("mcp-allowed-call"));
        AgentSession other = session(allowed, tool("tools", STUB.url()).build());
        turn(allowed, other.id(), "[[call tools__echo {\"text\": \"yes\"}]]");
        String turnId = onlyTurn(allowed, other.id()).id();
        JsonNode allow = audit(quarry, other.id(), found -> found.stream().anyMatch(e -> e.path("action").asText().equals("quarry:CallMcpTool")))
                .stream().filter(e -> e.path("action").asText().equals("quarry:CallMcpTool")).findFirst().orElseThrow();
        assertThat(List.of(allow.path("decision").asText(), allow.path("resource").asText(), allow.path("session_id").asText(),
                allow.path("turn_id").asText())).containsExactly("allow", "mcp/tools/echo", other.id(), turnId);
    }

    @Test
    void everyModelCallAndToolCallOfTheSessionIsAuditedWithIt() {
        TestQuarry quarry = quarry("sqlite");
        OpenAIClient client = AgentTurnsSdkTest.client(quarry, quarry.newKey("mcp-audited"));
        AgentSession session = session(client, tool("tools", STUB.url()).build());
        turn(client, session.id(), "[[call tools__echo {\"text\": \"a\"}]] [[call tools__fail {}]]");
        turn(client, session.id(), "[[call tools__echo {\"text\": \"b\"}]]"); // the same call id as in turn 1
        List<String> turnIds = client.beta().agents().sessions().turns().list(session.id()).data().stream().map(Turn::id).toList();

        // Each turn: a model call, its tool calls, a model call.
        List<JsonNode> events = audit(quarry, session.id(), found -> found.size() >= 7);
        List<JsonNode> calls = events.stream().filter(e -> !e.path("action").asText().equals("quarry:SendAgentSessionEvent")
                && !e.path("action").asText().startsWith("quarry:CreateAgentSession") && !e.path("action").asText().startsWith("quarry:ReadAgent"))
                .toList();
        assertThat(calls).extracting(e -> e.path("action").asText())
                .filteredOn(a -> a.equals("quarry:CallMcpTool")).hasSize(3);
        assertThat(calls).extracting(e -> e.path("action").asText())
                .filteredOn(a -> a.startsWith("quarry:InvokeModel")).hasSize(4);
        assertThat(client.beta().agents().sessions().turns().list(session.id()).data()).extracting(Turn::status)
                .containsOnly(Turn.Status.COMPLETED);
        assertThat(calls).allSatisfy(e -> {
            assertThat(e.path("session_id").asText()).isEqualTo(session.id());
            assertThat(e.path("decision").asText()).isEqualTo("allow");
            assertThat(turnIds).contains(e.path("turn_id").asText());
        });
    }

    @Test
    void theMetadataAddressAndLoopbackAreNeverCalledUnlessAllowed() {
        TestQuarry quarry = guarded();
        OpenAIClient client = AgentTurnsSdkTest.client(quarry, quarry.newKey("mcp-ssrf"));
        int requestsBefore = STUB.requests().size();
        for (String url : List.of("http://169.254.169.254/", "https://169.254.169.254/mcp", STUB.url())) {
            AgentSession optional = session(client, tool("inside", url).required(false).build());
            long start = System.nanoTime();
            List<AgentSessionEvent> events = turn(client, optional.id(), "[[call inside__echo {}]]");
            assertThat((System.nanoTime() - start) / 1_000_000).as("refused before any connection to " + url).isLessThan(2000);
            assertThat(onlyTurn(client, optional.id()).status()).as(url).isEqualTo(Turn.Status.COMPLETED);
            assertThat(finalAnswer(events)).isEqualTo("Cannot call tool 'inside__echo': the request offers no tools.");

            AgentSession required = session(client, tool("inside", url).required(true).build());
            turn(client, required.id(), "[[call inside__echo {}]]");
            Turn failed = onlyTurn(client, required.id());
            assertThat(failed.status()).as(url).isEqualTo(Turn.Status.FAILED);
            assertThat(json(failed).path("error").path("code").asText()).isEqualTo("connection_failed");
        }
        assertThat(STUB.requests()).as("the stub on loopback saw nothing").hasSize(requestsBefore);
    }

    @Test
    void aCancelInterruptsAnMcpCallInFlightWithinASecond() {
        TestQuarry quarry = quarry("sqlite");
        OpenAIClient client = AgentTurnsSdkTest.client(quarry, quarry.newKey("mcp-cancel"));
        var sessions = client.beta().agents().sessions();
        AgentSession session = session(client, tool("tools", STUB.url()).build());
        int slowBefore = STUB.calls("slow");
        try (var stream = sessions.events().streamStreaming(session.id())) {
            sessions.events().create(session.id(), message("[[call tools__slow {}]]"));
            Iterator<AgentSessionEvent> events = stream.stream().iterator();
            readUntil(events, e -> e.isTurnItemAdded() && json(e).path("item").path("type").asText().equals("mcp_call"));
            long waitUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (STUB.calls("slow") == slowBefore && System.nanoTime() < waitUntil) sleep(10);
            assertThat(STUB.calls("slow")).as("the call reached the server").isGreaterThan(slowBefore);

            long start = System.nanoTime();
            sessions.events().create(session.id(), EventCreateParams.builder().addEventAgentSessionInputCancel().build());
            List<AgentSessionEvent> rest = readUntil(events, AgentSessionEvent::isIdle);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(rest.stream().map(AgentTurnsSdkTest::type)).contains("agent.session.turn.cancelled");
            assertThat(millis).as("cancelled within a second").isLessThan(1000);
        }
        assertThat(onlyTurn(client, session.id()).status()).isEqualTo(Turn.Status.CANCELLED);
        JsonNode call = ofType(items(client, session.id()), "mcp_call").getFirst();
        assertThat(call.path("status").asText()).isEqualTo("failed");
        assertThat(call.path("error").asText()).contains("cancelled");
    }

    private static int closedPort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
