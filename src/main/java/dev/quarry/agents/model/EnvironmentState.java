package dev.quarry.agents.model;

/**
 * The live state of a session's execution environment, as its {@code agent.session.environment.*}
 * events and the session object show it.
 *
 * @param status          {@code pending} (never connected yet), {@code connected}, {@code disconnected}
 *                        or {@code failed} (given up on)
 * @param executorVersion the version the executor gave when it last connected, {@code null} before
 * @param error           why it is disconnected or failed, {@code null} otherwise
 */
public record EnvironmentState(String id, String type, String status, String executorVersion, TurnError error) {
    public static final String PENDING = "pending";
    public static final String CONNECTED = "connected";
    public static final String DISCONNECTED = "disconnected";
    public static final String FAILED = "failed";

    public EnvironmentState with(String newStatus, String newVersion, TurnError newError) {
        return new EnvironmentState(id, type, newStatus, newVersion == null ? executorVersion : newVersion, newError);
    }
}
