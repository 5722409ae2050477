package dev.quarry.agents.model;

/** An input event a client posts to a session. */
public sealed interface Input {
    /** {@code agent.session.input.message}: starts a turn, or steers the one running. */
    record Message(String text) implements Input {}

    /** {@code agent.session.input.cancel}: stops the open turn. */
    record Cancel() implements Input {}

    /** {@code agent.session.input.tool_result}: the result of a function call the turn waits for. */
    record ToolResult(String turnId, String callId, boolean success, String output, String error) implements Input {}

    /** {@code agent.session.input.quarry_approval_result}: a person's decision on a call that waits for approval. */
    record ApprovalResult(String approvalId, boolean approve, String reason) implements Input {}
}
