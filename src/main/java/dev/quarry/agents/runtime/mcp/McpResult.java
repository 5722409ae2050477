package dev.quarry.agents.runtime.mcp;

import java.util.Objects;

/**
 * What a tool call answered.
 *
 * @param isError the tool (or the server, refusing the call) reports a failure; {@code text} says what
 * @param text    the answer's content blocks rendered to text, at most {@link McpSettings#maxResultChars}
 *                characters plus a note when cut
 */
public record McpResult(boolean isError, String text) {
    public McpResult {
        Objects.requireNonNull(text, "text");
    }
}
