package dev.quarry.agents.runtime.mcp;

import java.util.List;

/** An initialized session with one MCP server, from {@link McpClients#connect} or {@link McpClients#connectStdio}. Safe for concurrent calls. */
public interface McpConnection extends AutoCloseable {
    /** The server's tools the agent may use: filtered by {@code allowed_tools}, at most 256, each bounded. */
    List<McpToolInfo> tools();

    /**
     * Calls one tool, blocking the calling (virtual) thread up to the call timeout. The
     * idempotency key goes in the request's {@code _meta} as {@code "dev.quarry/idempotency_key"}.
     * A JSON-RPC error from the server, a tool not in {@link #tools()} and arguments that are not a
     * JSON object come back as a result with {@code isError}, as the model should see them.
     *
     * @throws McpUnavailable     the server did not answer (down, garbage, too late), or lost its session during the
     *                            call of a tool not marked idempotent (an idempotent one is sent once more, same key)
     * @throws McpCallInterrupted the thread was interrupted; returns promptly with the interrupt flag set
     */
    McpResult call(String tool, String argumentsJson, String idempotencyKey);

    /** Ends the session: an HTTP {@code DELETE} to the server (waited for up to 10 s), or a stdio server's process ended. */
    @Override
    void close();
}
