package dev.quarry.agents.runtime.mcp;

/**
 * The calling thread was interrupted while it waited for the server (a cancel): the wait ends at
 * once and the thread's interrupt flag is set again, as an {@link InterruptedException} would
 * have left it to be handled. The call may or may not have run on the server.
 */
public final class McpCallInterrupted extends McpException {
    McpCallInterrupted(String message) {
        super(message);
    }
}
