package dev.quarry.agents.model;

import java.util.Collections;
import java.util.LinkedHashMap;
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
     * Tools of an MCP server, which Quarry lists and calls itself: reached over streamable HTTP at
     * {@code serverUrl}, or (with {@code stdio}) started in the session's environment and spoken
     * to over its stdin and stdout.
     *
     * @param serverUrl        the HTTP server's URL; {@code null} for a stdio server
     * @param allowedTools     the server's tools the model may see; {@code null}: all of them
     * @param required         a server that cannot be reached fails the turn, instead of the
     *                         turn going on without its tools
     * @param idempotentTools  tools safe to call again after a crash with the same idempotency key
     *                         (Quarry extension {@code quarry_idempotent_tools}; {@code "*"}: all)
     * @param credentials      what is sent to the server to authenticate, {@code null} for nothing
     * @param credentialId     a vault credential whose token is sent as {@code Authorization: Bearer},
     *                         when its vault is one of the session's ({@code credential_id}); {@code null} for none
     * @param stdio            the command that starts a stdio server, {@code null} for an HTTP server
     * @param approvalTools    tools whose every call waits for a person's approval (Quarry extension
     *                         {@code quarry_require_approval}; {@code "*"}: all)
     */
    record Mcp(String serverLabel, String serverUrl, List<String> allowedTools, boolean required, List<String> idempotentTools,
               McpCredentials credentials, String credentialId, Stdio stdio, List<String> approvalTools) implements AgentTool {
        public Mcp {
            Objects.requireNonNull(serverLabel, "serverLabel");
            if ((serverUrl == null) == (stdio == null)) throw new IllegalArgumentException("an MCP server has either a URL or a stdio command");
            allowedTools = allowedTools == null ? null : List.copyOf(allowedTools);
            idempotentTools = List.copyOf(idempotentTools);
            approvalTools = approvalTools == null ? List.of() : List.copyOf(approvalTools);
        }

        /** A server over streamable HTTP. */
        public Mcp(String serverLabel, String serverUrl, List<String> allowedTools, boolean required, List<String> idempotentTools,
                   McpCredentials credentials) {
            this(serverLabel, serverUrl, allowedTools, required, idempotentTools, credentials, null, null, List.of());
        }

        public boolean allows(String tool) {
            return allowedTools == null || allowedTools.contains(tool);
        }

        public boolean idempotent(String tool) {
            return idempotentTools.contains("*") || idempotentTools.contains(tool);
        }

        /** Whether every call of {@code tool} waits for a person's approval. */
        public boolean needsApproval(String tool) {
            return approvalTools.contains("*") || approvalTools.contains(tool);
        }

        public Mcp withCredentials(McpCredentials sealed) {
            return new Mcp(serverLabel, serverUrl, allowedTools, required, idempotentTools, sealed, credentialId, stdio, approvalTools);
        }
    }

    /**
     * How a stdio MCP server is started in the session's environment.
     *
     * @param env its environment variables, added to what the executor gives every process
     * @param cwd the folder it runs in, within the workspace (relative to it, or absolute);
     *            {@code null}: the workspace itself
     */
    record Stdio(String command, List<String> args, Map<String, String> env, String cwd) {
        public Stdio {
            Objects.requireNonNull(command, "command");
            args = List.copyOf(args);
            env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
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
