package dev.quarry.agents.runtime;

import dev.quarry.agents.environment.Executor;
import dev.quarry.agents.model.Session;

/** Connects to the executor of a session's environment. */
@FunctionalInterface
public interface EnvironmentConnector {
    /**
     * @param environmentId the id of the session's environment
     * @throws dev.quarry.agents.environment.ExecutorException when it cannot be reached (the message says why, never a secret)
     */
    Executor connect(Session session, String environmentId);
}
