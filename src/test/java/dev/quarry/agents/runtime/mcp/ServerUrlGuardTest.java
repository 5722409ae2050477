package dev.quarry.agents.runtime.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.agents.model.AgentTool;
import dev.quarry.testing.StubMcpServer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** MCP server URLs an agent's spec may not make Quarry call (SSRF), refused before any request. */
class ServerUrlGuardTest {
    @ParameterizedTest
    @ValueSource(strings = {"https://127.0.0.1/mcp", "https://localhost:8443/mcp", "https://169.254.169.254/latest/meta-data/",
            "https://10.1.2.3/mcp", "https://192.168.0.10/mcp", "https://172.16.5.5/mcp", "https://100.64.0.1/mcp", "https://0.0.0.0/mcp",
            "https://[::1]/mcp", "https://[fd00::1]/mcp", "https://[fe80::1]/mcp", "https://[::ffff:169.254.169.254]/mcp"})
    void internalAddressesAreRefused(String url) {
        try (McpClients clients = new McpClients(McpSettings.DEFAULTS)) {
            assertThatThrownBy(() -> clients.connect(server(url), null))
                    .isInstanceOf(McpUnavailable.class)
                    .hasMessageContaining("is refused")
                    .hasMessageContaining("internal address");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com/mcp", "ftp://example.com/mcp", "file:///etc/passwd", "example.com/mcp",
            "https://user:pw@example.com/mcp", "https:///mcp"})
    void urlsThatAreNotHttpsToAHostAreRefusedWithoutAnyLookup(String url) {
        assertThatThrownBy(() -> ServerUrlGuard.check("s", url, McpSettings.DEFAULTS))
                .isInstanceOf(McpUnavailable.class)
                .hasMessageContaining("is refused");
    }

    @Test
    void plainHttpAndAPrivateAddressNeedTheHostInTheirLists() {
        McpSettings insecureOnly = new McpSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), Set.of("127.0.0.1"), Set.of(), 1000);
        McpSettings privateOnly = new McpSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), Set.of(), Set.of("127.0.0.1"), 1000);
        McpSettings both = new McpSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), Set.of("127.0.0.1"), Set.of("127.0.0.1"), 1000);
        try (StubMcpServer stub = new StubMcpServer()) {
            assertThatThrownBy(() -> connect(insecureOnly, stub)).isInstanceOf(McpUnavailable.class).hasMessageContaining("internal address");
            assertThatThrownBy(() -> connect(privateOnly, stub)).isInstanceOf(McpUnavailable.class).hasMessageContaining("must use https");
            assertThat(stub.initializations()).isZero();

            connect(both, stub);
            assertThat(stub.initializations()).isEqualTo(1);
        }
    }

    private static void connect(McpSettings settings, StubMcpServer stub) {
        try (McpClients clients = new McpClients(settings)) {
            clients.connect(server(stub.url()), null).close();
        }
    }

    private static AgentTool.Mcp server(String url) {
        return new AgentTool.Mcp("s", url, null, false, List.of(), null);
    }
}
