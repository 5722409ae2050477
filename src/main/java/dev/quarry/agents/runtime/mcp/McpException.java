package dev.quarry.agents.runtime.mcp;

/**
 * Why an MCP server gave no answer. Unchecked, so {@link McpConnection#call} keeps the harness's
 * signature; messages name the server and what failed, never a credential.
 */
public sealed abstract class McpException extends RuntimeException permits McpUnavailable, McpCallInterrupted {
    McpException(String message) {
        super(message);
    }
}
