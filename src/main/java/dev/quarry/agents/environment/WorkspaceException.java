package dev.quarry.agents.environment;

/** A path the agent gave was refused: outside the workspace, or not a usable path. The message is for the model. */
public final class WorkspaceException extends RuntimeException {
    WorkspaceException(String message) {
        super(message, null, false, false);
    }
}
