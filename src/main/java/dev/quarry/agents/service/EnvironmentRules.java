package dev.quarry.agents.service;

import dev.quarry.agents.model.AgentSpec;
import dev.quarry.agents.model.AgentTool;
import dev.quarry.agents.model.EnvironmentSpec;
import dev.quarry.canonical.QuarryException;
import java.net.URI;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What a session's environment may be on this installation, checked when the session is created:
 * a listening executor only at a host the operator allows, {@code quarry_local} only where a
 * sandbox runs (or the operator allowed running without one), no function of the agent's named
 * like a harness tool, and no stdio MCP server without an environment to start it in.
 *
 * @param executorHostAllowed whether a session may name an executor at a host
 * @param localUnavailable    why {@code quarry_local} cannot run here, {@code null} when it can
 */
public record EnvironmentRules(Predicate<String> executorHostAllowed, String localUnavailable) {
    /** The harness tools' names, which an agent's own functions may not take when it has an environment. */
    static final Set<String> HARNESS_TOOLS = Set.of("shell", "read_file", "list_dir", "write_file", "apply_patch", "load_skill");

    public static final EnvironmentRules NONE_ALLOWED = new EnvironmentRules(host -> false, "quarry_local is not enabled");

    void check(EnvironmentSpec environment, AgentSpec agent) {
        switch (environment) {
            case EnvironmentSpec.None none -> {
                agent.tools().forEach(tool -> {
                    if (tool instanceof AgentTool.Mcp mcp && mcp.stdio() != null) {
                        throw QuarryException.invalid("environment", "The MCP server '" + mcp.serverLabel()
                                + "' runs over stdio, which needs an environment to start it in: give the session an 'environment'.");
                    }
                });
                return;
            }
            case EnvironmentSpec.SelfHosted hosted when hosted.connect() instanceof EnvironmentSpec.Connect.Listening listening -> {
                String host = URI.create(listening.url()).getHost();
                if (!executorHostAllowed.test(host)) {
                    throw QuarryException.invalid("environment.quarry_connect.url", "The executor host '" + host
                            + "' is not allowed: an operator lists the hosts sessions may name in agents.environments.executor_hosts.");
                }
            }
            case EnvironmentSpec.SelfHosted hosted -> { }
            case EnvironmentSpec.QuarryLocal local -> {
                if (localUnavailable != null) {
                    throw QuarryException.unsupported("environment.type", "sandbox_unavailable: 'quarry_local' cannot run on this installation: "
                            + localUnavailable + ".");
                }
            }
        }
        agent.tools().forEach(tool -> {
            if (tool instanceof AgentTool.Function f && HARNESS_TOOLS.contains(f.name())) {
                throw QuarryException.invalid("agent.tools", "The function '" + f.name() + "' has the name of one of the environment's tools; rename it.");
            }
        });
    }
}
