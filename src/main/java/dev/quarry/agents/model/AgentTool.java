package dev.quarry.agents.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A tool an agent may call: one the application runs, or one on an MCP server Quarry calls itself. */
public sealed interface AgentTool {

    /**
     * A function the application runs: the turn waits in {@code requires_action} until the
     * application posts its result.
     *
     * @param parameters its input's JSON Schema as JSON text, {@code null} for none
     */
    record Function(String name, String description, String parameters) implements AgentTool {
        public Function {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * Tools of an MCP server reached over streamable HTTP, which Quarry lists and calls itself.
     *
     * @param allowedTools     the server's tools the model may see; {@code null}: all of them
     * @param required         a server that cannot be reached fails the turn, instead of the
     *                         turn going on without its tools
     * @param idempotentTools  tools safe to call again after a crash with the same idempotency key
     *                         (Quarry extension {@code quarry_idempotent_tools}; {@code "*"}: all)
     * @param credentials      what is sent to the server to authenticate, {@code null} for nothing
     * @param credentialId     a vault credential whose token is sent as {@code Authorization: Bearer},
     *                         when its vault is one of the session's ({@code credential_id}); {@code null} for none
     */
    record Mcp(String serverLabel, String serverUrl, List<String> allowedTools, boolean required, List<String> idempotentTools,
               McpCredentials credentials, String credentialId) implements AgentTool {
        public Mcp {
            Objects.requireNonNull(serverLabel, "serverLabel");
            Objects.requireNonNull(serverUrl, "serverUrl");
            allowedTools = allowedTools == null ? null : List.copyOf(allowedTools);
            idempotentTools = List.copyOf(idempotentTools);
        }

        public boolean allows(String tool) {
            return allowedTools == null || allowedTools.contains(tool);
        }

        public boolean idempotent(String tool) {
            return idempotentTools.contains("*") || idempotentTools.contains(tool);
        }

        public Mcp withCredentials(McpCredentials sealed) {
            return new Mcp(serverLabel, serverUrl, allowedTools, required, idempotentTools, sealed, credentialId);
        }
    }

    /**
     * The secrets of an MCP server's connection: in the clear only between the request that
     * carries them and the store, which keeps them sealed; never in a response.
     */
    sealed interface McpCredentials {
        /** @param authorization the {@code Authorization} header's value, {@code null} for none */
        record Plain(String authorization, Map<String, String> headers) implements McpCredentials {
            public Plain {
                headers = Map.copyOf(headers);
            }
        }

        /** {@link Plain}, as JSON, sealed by the master key: opened only by the node that calls the server. */
        record Sealed(String blob) implements McpCredentials {}
    }
}
