package dev.quarry.agents.runtime;

import dev.quarry.agents.environment.Bubblewrap;
import dev.quarry.agents.environment.CommandSandbox;
import dev.quarry.agents.environment.DialInRegistry;
import dev.quarry.agents.environment.EnvironmentSettings;
import dev.quarry.agents.environment.Executor;
import dev.quarry.agents.environment.ExecutorException;
import dev.quarry.agents.environment.ListeningDialer;
import dev.quarry.agents.environment.LocalExecutor;
import dev.quarry.agents.model.EnvironmentSpec;
import dev.quarry.agents.model.SecretBox;
import dev.quarry.agents.model.Session;
import dev.quarry.agents.store.EnvironmentJson;
import java.net.URI;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * Connects a session's environment: dials the listening {@code codex exec-server} it names, when
 * the operator allows that host ({@code agents.environments.executor_hosts}), with its capability
 * token opened from the store's seal only here, on the node that runs the turn; takes the socket
 * an executor dialing out to Quarry opened to this node ({@link DialInRegistry}), initialized as a
 * dialed one is; or opens its {@code quarry_local} folder on this node, commands sandboxed by bubblewrap.
 */
public final class SessionExecutors implements EnvironmentConnector {
    private static final Logger LOG = Logger.getLogger(SessionExecutors.class.getName());
    private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);
    /** How long one call may wait for the executor's answer (a command's run is not a call: its output comes as notifications). */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private final EnvironmentSettings settings;
    private final SecretBox secrets;
    private final ListeningDialer dialer = new ListeningDialer(DIAL_TIMEOUT, CALL_TIMEOUT);
    private final DialInRegistry dialIns = new DialInRegistry();
    /** What confines {@code quarry_local} commands here, {@code null} when nothing does and running unconfined is not allowed. */
    private final CommandSandbox sandbox;
    private final String localUnavailable;

    /** Probes bubblewrap once: whether {@code quarry_local} can run on this node is decided at start-up and logged. */
    public SessionExecutors(EnvironmentSettings settings, SecretBox secrets) {
        this.settings = settings;
        this.secrets = secrets;
        Bubblewrap bubblewrap = Bubblewrap.onPath();
        Bubblewrap.Probe probe = bubblewrap.probe();
        if (probe.available()) {
            sandbox = bubblewrap;
            localUnavailable = null;
            LOG.info(() -> "quarry_local environments run in " + probe.version());
        } else if (settings.allowUnconfinedLocal()) {
            sandbox = new CommandSandbox.Unconfined();
            localUnavailable = null;
            LOG.warning(() -> "quarry_local environments run UNCONFINED (agents.environments.allow_unconfined_local): " + probe.reason());
        } else {
            sandbox = null;
            localUnavailable = probe.reason() + "; install bubblewrap, or set agents.environments.allow_unconfined_local: true to run commands unsandboxed";
            LOG.info(() -> "quarry_local environments are refused: " + probe.reason());
        }
    }

    /** The sockets executors dialing out opened to this node. */
    public DialInRegistry dialIns() {
        return dialIns;
    }

    /** Why {@code quarry_local} cannot run on this node, {@code null} when it can. */
    public String localUnavailable() {
        return localUnavailable;
    }

    @Override
    public Executor connect(Session session, String environmentId) {
        return switch (session.environment()) {
            case EnvironmentSpec.SelfHosted hosted when hosted.connect() instanceof EnvironmentSpec.Connect.Listening listening -> {
                URI url = URI.create(listening.url());
                if (!settings.executorHostAllowed(url.getHost())) {
                    throw new ExecutorException.Refused("the host '" + url.getHost() + "' is not one of this Quarry's executor hosts "
                            + "(agents.environments.executor_hosts)");
                }
                yield dialer.dial(url, EnvironmentJson.token(listening, secrets, session.id()));
            }
            // Not there yet (or on another node): Disconnected, so the run waits and takes it when it comes.
            case EnvironmentSpec.SelfHosted hosted -> dialIns.connect(environmentId, CALL_TIMEOUT);
            case EnvironmentSpec.QuarryLocal local -> {
                if (sandbox == null) throw new ExecutorException.Refused("quarry_local cannot run on this node: " + localUnavailable);
                yield LocalExecutor.forSession(settings.dataDir(), session.id(), local, sandbox);
            }
            case EnvironmentSpec.None none -> throw new IllegalStateException("session " + session.id() + " has no environment");
        };
    }
}
