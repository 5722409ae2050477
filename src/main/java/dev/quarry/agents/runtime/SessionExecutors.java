package dev.quarry.agents.runtime;

import dev.quarry.agents.environment.EnvironmentSettings;
import dev.quarry.agents.environment.Executor;
import dev.quarry.agents.environment.ExecutorException;
import dev.quarry.agents.environment.ListeningDialer;
import dev.quarry.agents.model.EnvironmentSpec;
import dev.quarry.agents.model.SecretBox;
import dev.quarry.agents.model.Session;
import dev.quarry.agents.store.EnvironmentJson;
import java.net.URI;
import java.time.Duration;

/**
 * Connects a session's environment: dials the listening {@code codex exec-server} it names, when
 * the operator allows that host ({@code agents.environments.executor_hosts}), with its capability
 * token opened from the store's seal only here, on the node that runs the turn.
 */
public final class SessionExecutors implements EnvironmentConnector {
    private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);
    /** How long one call may wait for the executor's answer (a command's run is not a call: its output comes as notifications). */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private final EnvironmentSettings settings;
    private final SecretBox secrets;
    private final ListeningDialer dialer = new ListeningDialer(DIAL_TIMEOUT, CALL_TIMEOUT);

    public SessionExecutors(EnvironmentSettings settings, SecretBox secrets) {
        this.settings = settings;
        this.secrets = secrets;
    }

    /** Why {@code quarry_local} cannot run on this node, {@code null} when it can. */
    public static String localUnavailable(EnvironmentSettings settings) {
        return "quarry_local is not available on this node";
    }

    @Override
    public Executor connect(Session session) {
        return switch (session.environment()) {
            case EnvironmentSpec.SelfHosted hosted when hosted.connect() instanceof EnvironmentSpec.Connect.Listening listening -> {
                URI url = URI.create(listening.url());
                if (!settings.executorHostAllowed(url.getHost())) {
                    throw new ExecutorException.Refused("the host '" + url.getHost() + "' is not one of this Quarry's executor hosts "
                            + "(agents.environments.executor_hosts)");
                }
                yield dialer.dial(url, EnvironmentJson.token(listening, secrets, session.id()));
            }
            case EnvironmentSpec.SelfHosted hosted -> throw new ExecutorException.Refused("an executor dialing out to Quarry is not supported");
            case EnvironmentSpec.QuarryLocal local -> throw new ExecutorException.Refused("quarry_local is not available on this node");
            case EnvironmentSpec.None none -> throw new IllegalStateException("session " + session.id() + " has no environment");
        };
    }
}
