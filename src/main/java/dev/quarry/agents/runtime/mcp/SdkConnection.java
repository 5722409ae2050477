package dev.quarry.agents.runtime.mcp;

import dev.quarry.agents.model.AgentTool;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/** An {@link McpConnection} over the SDK's sync client, whose every call blocks the calling thread. */
final class SdkConnection implements McpConnection {
    private static final Logger LOG = Logger.getLogger(SdkConnection.class.getName());
    static final String IDEMPOTENCY_KEY = "dev.quarry/idempotency_key";
    private static final TypeRef<Map<String, Object>> OBJECT = new TypeRef<>() {};

    private final AgentTool.Mcp server;
    private final McpSyncClient client;
    private final List<McpToolInfo> tools;
    private final Set<String> names;
    private final McpJsonMapper json;
    private final Failures failures;
    private final int maxResultChars;
    private final Consumer<SdkConnection> onClose;

    SdkConnection(AgentTool.Mcp server, McpSyncClient client, List<McpToolInfo> tools, McpJsonMapper json, Failures failures, int maxResultChars,
                  Consumer<SdkConnection> onClose) {
        this.server = server;
        this.client = client;
        this.tools = List.copyOf(tools);
        this.names = tools.stream().map(McpToolInfo::name).collect(Collectors.toUnmodifiableSet());
        this.json = json;
        this.failures = failures;
        this.maxResultChars = maxResultChars;
        this.onClose = onClose;
    }

    @Override
    public List<McpToolInfo> tools() {
        return tools;
    }

    @Override
    public McpResult call(String tool, String argumentsJson, String idempotencyKey) {
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        if (!names.contains(tool)) return new McpResult(true, "MCP server '" + server.serverLabel() + "' offers no tool '" + tool + "' to this agent");
        Optional<Map<String, Object>> arguments = arguments(argumentsJson);
        if (arguments.isEmpty()) return new McpResult(true, "The arguments for tool '" + tool + "' are not a JSON object");
        McpSchema.CallToolRequest request = McpSchema.CallToolRequest.builder().name(tool).arguments(arguments.get())
                .meta(Map.of(IDEMPOTENCY_KEY, idempotencyKey)).build();
        try {
            return ResultText.of(send(request), json, maxResultChars);
        } catch (McpException e) {
            throw e;
        } catch (RuntimeException e) {
            Optional<McpError> refused = Failures.jsonRpcError(e);
            if (refused.isPresent() && !Thread.currentThread().isInterrupted()) {
                McpSchema.JSONRPCResponse.JSONRPCError error = refused.get().getJsonRpcError();
                String message = error == null ? String.valueOf(refused.get().getMessage()) : "MCP error " + error.code() + ": " + error.message();
                return new McpResult(true, ResultText.bounded(message, maxResultChars));
            }
            throw failures.of("tools/call '" + tool + "'", e);
        }
    }

    /**
     * When the server forgets the session (404 on a request bearing it), the SDK fails every
     * request in flight alike and opens a new session itself. The request that met the 404 did not
     * run, but one in flight beside it may have, and the two look the same from here: so only a
     * tool marked idempotent is sent again (same key, for the server to deduplicate); any other
     * fails as "may or may not have run", the crash rule's answer, and the next call uses the new session.
     */
    private McpSchema.CallToolResult send(McpSchema.CallToolRequest request) {
        McpSchema.InitializeResult session = client.getCurrentInitializationResult();
        try {
            return client.callTool(request);
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted() || client.getCurrentInitializationResult() == session) throw e;
            if (!server.idempotent(request.name())) {
                throw new McpUnavailable("MCP server '" + server.serverLabel() + "' lost its session during tools/call '" + request.name()
                        + "', which may or may not have run; the next call opens a new session");
            }
            LOG.info(() -> "MCP server '" + server.serverLabel() + "' lost its session; calling idempotent '" + request.name() + "' again in a new one");
            return client.callTool(request);
        }
    }

    private Optional<Map<String, Object>> arguments(String argumentsJson) {
        if (argumentsJson == null || argumentsJson.isBlank()) return Optional.of(Map.of());
        try {
            Map<String, Object> parsed = json.readValue(argumentsJson, OBJECT);
            return Optional.of(parsed == null ? Map.of() : parsed);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        onClose.accept(this);
        client.closeGracefully();
    }
}
