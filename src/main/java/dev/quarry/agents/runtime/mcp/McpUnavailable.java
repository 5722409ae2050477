package dev.quarry.agents.runtime.mcp;

/**
 * The server could not be reached, refused, answered garbage or too late, or its URL is not one
 * Quarry may call. A {@code tools/call} that fails so may or may not have run on the server.
 */
public final class McpUnavailable extends McpException {
    McpUnavailable(String message) {
        super(message);
    }
}
