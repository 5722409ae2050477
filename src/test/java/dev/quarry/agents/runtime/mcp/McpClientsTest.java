package dev.quarry.agents.runtime.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.agents.model.AgentTool;
import dev.quarry.testing.StubMcpServer;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Quarry's MCP client against a stub MCP server on Helidon, over the SDK's streamable-HTTP transport. */
class McpClientsTest {
    private static final McpSettings LOCAL = new McpSettings(Duration.ofSeconds(10), Duration.ofSeconds(120), Set.of("127.0.0.1"),
            Set.of("127.0.0.1"), 1 << 20);

    private final StubMcpServer stub = new StubMcpServer();
    private final McpClients clients = new McpClients(LOCAL);

    @AfterEach
    void close() {
        clients.close();
        stub.close();
    }

    @Test
    void listsEveryPageOfTools() {
        for (int i = 1; i <= 5; i++) stub.addTool("t" + i, "tool " + i, "{\"type\":\"object\"}");
        stub.pageSize(2);

        try (McpConnection connection = clients.connect(server(null), null)) {
            assertThat(connection.tools()).extracting(McpToolInfo::name)
                    .containsExactly("echo", "fail", "refuse", "slow", "big", "nap", "t1", "t2", "t3", "t4", "t5");
            assertThat(connection.tools().getFirst()).isEqualTo(new McpToolInfo("echo", "Answers its arguments.",
                    "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}"));
        }
        assertThat(stub.initializations()).isEqualTo(1);
    }

    @Test
    void offersOnlyTheAllowedToolsAndCallsNoOther() {
        stub.pageSize(2);
        try (McpConnection connection = clients.connect(server(List.of("big", "echo", "absent")), null)) {
            assertThat(connection.tools()).extracting(McpToolInfo::name).containsExactly("echo", "big");

            McpResult result = connection.call("fail", "{}", "turn_1:call_1");

            assertThat(result.isError()).isTrue();
            assertThat(result.text()).contains("offers no tool 'fail'");
            assertThat(stub.calls("fail")).isZero();
        }
    }

    @ParameterizedTest(name = "answered as event stream: {0}")
    @ValueSource(booleans = {false, true})
    void callsAToolWithItsArgumentsAndTheIdempotencyKeyInMeta(boolean sse) {
        stub.answerWithSse(sse);
        try (McpConnection connection = clients.connect(server(null), null)) {
            McpResult result = connection.call("echo", "{\"text\":\"hi\",\"n\":2}", "turn_1:call_7");

            assertThat(result).isEqualTo(new McpResult(false, "{\"text\":\"hi\",\"n\":2}"));
            assertThat(stub.metas()).hasSize(1);
            assertThat(stub.metas().getFirst().path("dev.quarry/idempotency_key").asText()).isEqualTo("turn_1:call_7");
            assertThat(stub.negotiated()).isIn(StubMcpServer.VERSIONS);
            assertThat(stub.requests().getLast()).containsEntry("mcp-protocol-version", stub.negotiated());
        }
    }

    @Test
    void aToolsFailureAndAServersRefusalAreFailedResults() {
        try (McpConnection connection = clients.connect(server(null), null)) {
            assertThat(connection.call("fail", "{}", "k1")).isEqualTo(new McpResult(true, "it broke"));
            assertThat(connection.call("refuse", "{}", "k2")).isEqualTo(new McpResult(true, "MCP error -32603: the stub refuses"));
        }
    }

    @Test
    void argumentsThatAreNotAJsonObjectFailWithoutACall() {
        try (McpConnection connection = clients.connect(server(null), null)) {
            assertThat(connection.call("echo", "[1,2]", "k1").isError()).isTrue();
            assertThat(connection.call("echo", "{not json", "k2").isError()).isTrue();
            assertThat(connection.call("echo", "", "k3")).isEqualTo(new McpResult(false, "{}"));
        }
        assertThat(stub.calls("echo")).isEqualTo(1);
    }

    @Test
    void sendsAuthorizationAndHeadersOnEveryRequest() {
        stub.requireAuthorization("Bearer sekrit-token-123");
        AgentTool.McpCredentials.Plain credentials = new AgentTool.McpCredentials.Plain("Bearer sekrit-token-123", Map.of("X-Tenant", "acme-7"));

        try (McpConnection connection = clients.connect(server(null), credentials)) {
            assertThat(connection.call("echo", "{}", "k1").isError()).isFalse();
        }
        assertThat(stub.requests()).hasSizeGreaterThanOrEqualTo(4) // initialize, initialized, tools/list, tools/call
                .allSatisfy(headers -> assertThat(headers).containsEntry("authorization", "Bearer sekrit-token-123")
                        .containsEntry("x-tenant", "acme-7"));
    }

    @Test
    void aRefusedCredentialFailsTheConnectionWithoutShowingIt() {
        stub.requireAuthorization("Bearer the-right-one");
        AgentTool.McpCredentials.Plain wrong = new AgentTool.McpCredentials.Plain("Bearer sekrit-token-123", Map.of("X-Api-Key", "hdr-secret-456"));

        assertThatThrownBy(() -> clients.connect(server(null), wrong))
                .isInstanceOf(McpUnavailable.class)
                .hasMessageContaining("'stub'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("sekrit-token-123", "hdr-secret-456"))
                .hasNoCause();
    }

    @Test
    void aHeaderTheTransportOwnsIsRefusedByName() {
        AgentTool.McpCredentials.Plain credentials = new AgentTool.McpCredentials.Plain(null, Map.of("Mcp-Session-Id", "forged-session"));

        assertThatThrownBy(() -> clients.connect(server(null), credentials))
                .isInstanceOf(McpUnavailable.class)
                .hasMessageContaining("header 'Mcp-Session-Id'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("forged-session"));
    }

    @Test
    void aServerThatIsDownIsUnavailableQuickly() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        long start = System.nanoTime();

        assertThatThrownBy(() -> clients.connect(server("http://127.0.0.1:" + port + "/mcp", null), null))
                .isInstanceOf(McpUnavailable.class)
                .hasMessageStartingWith("MCP server 'stub': initialize and tools/list failed: ");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aServerThatNeverAnswersIsUnavailableAfterTheConnectTimeout() {
        stub.stall();
        McpClients impatient = new McpClients(new McpSettings(Duration.ofMillis(500), Duration.ofSeconds(120), Set.of("127.0.0.1"),
                Set.of("127.0.0.1"), 1 << 20));
        long start = System.nanoTime();

        assertThatThrownBy(() -> impatient.connect(server(null), null))
                .isInstanceOf(McpUnavailable.class)
                .hasMessageContaining("within 500 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aCallPastTheCallTimeoutIsUnavailable() {
        McpClients impatient = new McpClients(new McpSettings(Duration.ofSeconds(10), Duration.ofMillis(500), Set.of("127.0.0.1"),
                Set.of("127.0.0.1"), 1 << 20));
        try (McpConnection connection = impatient.connect(server(null), null)) {
            long start = System.nanoTime();

            assertThatThrownBy(() -> connection.call("slow", "{}", "k1"))
                    .isInstanceOf(McpUnavailable.class)
                    .hasMessageContaining("no answer in time");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    /** A 404 for the session: the SDK opens a new one (a second initialize) and an idempotent tool is sent again in it. */
    @ParameterizedTest(name = "answered as event stream: {0}")
    @ValueSource(booleans = {false, true})
    void aLostSessionIsOpenedAgainAndAnIdempotentCallSentAgain(boolean sse) {
        stub.answerWithSse(sse);
        AgentTool.Mcp idempotent = new AgentTool.Mcp("stub", stub.url(), null, true, List.of("echo"), null);
        try (McpConnection connection = clients.connect(idempotent, null)) {
            stub.expireSessionOnce();

            assertThat(connection.call("echo", "{\"n\":1}", "k1")).isEqualTo(new McpResult(false, "{\"n\":1}"));
        }
        assertThat(stub.initializations()).isEqualTo(2);
        assertThat(stub.calls("echo")).as("the call that met the 404 did not run").isEqualTo(1);
        assertThat(stub.metas()).extracting(m -> m.path("dev.quarry/idempotency_key").asText()).containsExactly("k1");
    }

    @Test
    void aLostSessionFailsACallThatIsNotIdempotentAndTheNextGoesToTheNewSession() {
        try (McpConnection connection = clients.connect(server(null), null)) {
            stub.expireSessionOnce();

            assertThatThrownBy(() -> connection.call("echo", "{\"n\":1}", "k1"))
                    .isInstanceOf(McpUnavailable.class)
                    .hasMessageContaining("lost its session during tools/call 'echo', which may or may not have run");
            assertThat(connection.call("echo", "{\"n\":2}", "k2")).isEqualTo(new McpResult(false, "{\"n\":2}"));
        }
        assertThat(stub.initializations()).isEqualTo(2);
        assertThat(stub.calls("echo")).isEqualTo(1);
    }

    /** The sync client blocks in Reactor's {@code Mono.block()}: an interrupt must end that wait on a virtual thread. */
    @Test
    void anInterruptEndsASlowCallPromptly() throws Exception {
        try (McpConnection connection = clients.connect(server(null), null)) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicBoolean flagSet = new AtomicBoolean();
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    connection.call("slow", "{}", "k1");
                } catch (RuntimeException e) {
                    thrown.set(e);
                    flagSet.set(Thread.currentThread().isInterrupted());
                }
            });
            while (stub.calls("slow") == 0) Thread.sleep(10);

            long start = System.nanoTime();
            caller.interrupt();
            assertThat(caller.join(Duration.ofSeconds(1))).as("the call ended within 1 s").isTrue();

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            assertThat(thrown.get()).isInstanceOf(McpCallInterrupted.class);
            assertThat(flagSet).isTrue();
        }
    }

    @Test
    void aLongAnswerIsCutWithANote() {
        McpClients small = new McpClients(new McpSettings(Duration.ofSeconds(10), Duration.ofSeconds(120), Set.of("127.0.0.1"),
                Set.of("127.0.0.1"), 1000));
        try (McpConnection connection = small.connect(server(null), null)) {
            McpResult result = connection.call("big", "{\"chars\":5000}", "k1");

            assertThat(result.text()).startsWith("x".repeat(1000) + "\n[truncated by Quarry: the tool answered 5000 characters");
            assertThat(result.text().length()).isLessThan(1100);
            assertThat(connection.call("big", "{\"chars\":1000}", "k2").text()).isEqualTo("x".repeat(1000));
        }
    }

    @Test
    void toolsOutOfBoundsAreLeftOutAndTheRestKept() {
        stub.addTool("n".repeat(ToolListing.MAX_NAME_CHARS + 1), "a name too long", "{\"type\":\"object\"}")
                .addTool("h".repeat(50_000), "a hostile name", "{\"type\":\"object\"}")
                .addTool("n".repeat(ToolListing.MAX_NAME_CHARS), "the longest name", "{\"type\":\"object\"}")
                .addTool("huge_schema", "schema too big", "{\"type\":\"object\",\"description\":\"" + "s".repeat(ToolListing.MAX_SCHEMA_CHARS) + "\"}")
                .addTool("long_description", "d".repeat(ToolListing.MAX_DESCRIPTION_CHARS + 10), "{\"type\":\"object\"}");
        for (int i = 0; i < ToolListing.MAX_TOOLS; i++) stub.addTool("many_" + i, "", "{\"type\":\"object\"}");

        try (McpConnection connection = clients.connect(server(null), null)) {
            List<String> names = connection.tools().stream().map(McpToolInfo::name).toList();

            assertThat(names).hasSize(ToolListing.MAX_TOOLS)
                    .contains("n".repeat(ToolListing.MAX_NAME_CHARS), "long_description")
                    .doesNotContain("n".repeat(ToolListing.MAX_NAME_CHARS + 1), "h".repeat(50_000), "huge_schema", "many_" + (ToolListing.MAX_TOOLS - 1));
            assertThat(connection.tools()).filteredOn(t -> t.name().equals("long_description")).singleElement()
                    .satisfies(t -> assertThat(t.description()).hasSize(ToolListing.MAX_DESCRIPTION_CHARS + 1));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"<html>not json</html>", "{}", "[]", "null", "{\"jsonrpc\":\"2.0\",\"id\":\"other\",\"result\":{}}",
            "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":42}"})
    void aServerAnsweringGarbageIsUnavailable(String garbage) {
        stub.answerRaw(garbage);
        McpClients impatient = new McpClients(new McpSettings(Duration.ofSeconds(1), Duration.ofSeconds(120), Set.of("127.0.0.1"),
                Set.of("127.0.0.1"), 1 << 20));

        assertThatThrownBy(() -> impatient.connect(server(null), null)).isInstanceOf(McpUnavailable.class).hasMessageContaining("'stub'");
    }

    @Test
    void closingTheClientsEndsTheirSessions() {
        clients.connect(server(null), null);
        clients.connect(server(null), null);

        clients.close();

        assertThat(stub.deletes()).isEqualTo(2);
    }

    private AgentTool.Mcp server(List<String> allowed) {
        return server(stub.url(), allowed);
    }

    private static AgentTool.Mcp server(String url, List<String> allowed) {
        return new AgentTool.Mcp("stub", url, allowed, true, List.of(), null);
    }
}
