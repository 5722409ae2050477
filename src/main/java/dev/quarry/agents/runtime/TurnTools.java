package dev.quarry.agents.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.agents.environment.Executor;
import dev.quarry.agents.environment.ExecutorException;
import dev.quarry.agents.environment.FileTools;
import dev.quarry.agents.model.AgentSpec;
import dev.quarry.agents.model.AgentTool;
import dev.quarry.agents.model.ItemBody;
import dev.quarry.agents.model.TurnError;
import dev.quarry.agents.runtime.mcp.McpConnection;
import dev.quarry.agents.runtime.mcp.McpToolInfo;
import dev.quarry.agents.runtime.mcp.McpUnavailable;
import dev.quarry.agents.store.ToolJson;
import dev.quarry.agents.vault.SecretScrubber;
import dev.quarry.agents.vault.VaultKeys;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ToolSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The tools of one run of a turn: the agent's functions, the tools of its MCP servers,
 * connected once per run (a stdio one started in the environment for the run, and ended with it), and its environment's harness tools ({@link HarnessTools}). The model sees an MCP tool as {@code <server_label>__<tool>}; a call is
 * turned back into the server and tool it names. A server that cannot be reached leaves its tools
 * out, unless the agent marked it {@code required}, which fails the turn. So is a server whose vault
 * credential this run may not use; the tokens it may use are scrubbed out of what the servers answer.
 */
final class TurnTools implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TurnTools.class.getName());
    /** A command's time limit when the model asks none. */
    static final long DEFAULT_COMMAND_MS = 120_000;

    /** An MCP tool as the model sees it. */
    record McpTool(AgentTool.Mcp server, McpToolInfo info, McpConnection connection) {}

    private final AgentSpec spec;
    private final Map<String, McpTool> mcp = new LinkedHashMap<>();
    private final List<McpConnection> connections = new ArrayList<>();
    /** The session's environment, {@code null} for a session with none. */
    private EnvironmentLink environment;
    private FileTools files;
    /** What is left of the session's commands, as of the history last read. */
    private volatile CommandQuota quota;
    /** The time limits the model asked for its commands of this run, by call id. */
    private final Map<String, Long> timeouts = new java.util.concurrent.ConcurrentHashMap<>();
    private final SecretScrubber scrubber = new SecretScrubber();

    private TurnTools(AgentSpec spec) {
        this.spec = spec;
    }

    /** Thrown when a required server cannot be reached: the turn fails with this error. */
    static final class RequiredServerDown extends RuntimeException {
        final TurnError error;

        RequiredServerDown(TurnError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }
    }

    /** The token of a vault credential, for this run, or why this run may not have it. */
    interface VaultCredentials {
        String token(String credentialId, String serverUrl) throws VaultKeys.Unusable;
    }

    /**
     * Connects the agent's MCP servers: over HTTP from here, a stdio one by starting it through
     * {@code link} (which connects the executor, if no tool has yet) in its folder of the workspace.
     *
     * @param link  the session's environment, {@code null} for a session with none (its tools are then left out)
     * @param files the environment's file tools, {@code null} with {@code link}
     */
    static TurnTools connect(RuntimeParts parts, AgentSpec spec, String sessionId, VaultCredentials vault, EnvironmentLink link, FileTools files) {
        TurnTools tools = new TurnTools(spec);
        tools.environment = link;
        tools.files = files;
        Set<String> functions = new HashSet<>();
        spec.tools().forEach(t -> {
            if (t instanceof AgentTool.Function f) functions.add(f.name());
        });
        try {
            for (AgentTool tool : spec.tools()) {
                if (!(tool instanceof AgentTool.Mcp server)) continue;
                McpConnection connection;
                try {
                    connection = tools.open(parts, server, sessionId, vault);
                } catch (ServerDown e) {
                    if (server.required()) {
                        throw new RequiredServerDown(new TurnError("connection_failed", "The MCP server '" + server.serverLabel()
                                + "' is required but could not be reached: " + e.getMessage()));
                    }
                    LOG.warning(() -> "session " + sessionId + ": MCP server '" + server.serverLabel() + "' left out: " + e.getMessage());
                    continue;
                }
                tools.offer(server, connection, functions, sessionId);
            }
        } catch (RuntimeException e) {
            tools.close(); // what connected before this failure
            throw e;
        }
        return tools;
    }

    /** Offers the model the server's tools whose names are free. */
    private void offer(AgentTool.Mcp server, McpConnection connection, Set<String> functions, String sessionId) {
        connections.add(connection);
        for (McpToolInfo info : connection.tools()) {
            String name = McpToolNames.name(server.serverLabel(), info.name());
            if (functions.contains(name) || mcp.containsKey(name)) {
                LOG.warning(() -> "session " + sessionId + ": MCP tool '" + info.name() + "' of '" + server.serverLabel()
                        + "' left out: its name " + name + " is taken");
                continue;
            }
            mcp.put(name, new McpTool(server, info, connection));
        }
    }

    /** Why a server could not be connected; a required one fails the turn with it. */
    private static final class ServerDown extends RuntimeException {
        ServerDown(String message) {
            super(message, null, false, false);
        }
    }

    private McpConnection open(RuntimeParts parts, AgentTool.Mcp server, String sessionId, VaultCredentials vault) {
        try {
            if (server.stdio() == null) return parts.mcp().connect(server, credentials(parts, server, sessionId, vault));
            if (environment == null) throw new ServerDown("stdio MCP server '" + server.serverLabel() + "' needs an environment, and the session has none");
            Executor executor = environment.executor();
            String cwd;
            try {
                cwd = files.folder(executor, server.stdio().cwd());
            } catch (FileTools.ToolFailure e) {
                throw new ServerDown("stdio MCP server '" + server.serverLabel() + "' cannot start: " + e.getMessage());
            }
            return parts.mcp().connectStdio(server, executor, cwd);
        } catch (McpUnavailable | VaultKeys.Unusable e) {
            throw new ServerDown(e.getMessage());
        } catch (ExecutorException.Disconnected e) {
            environment.lost(e);
            throw new ServerDown("stdio MCP server '" + server.serverLabel() + "' cannot start: the executor was lost: " + e.getMessage());
        } catch (ExecutorException.Refused e) {
            throw new ServerDown("stdio MCP server '" + server.serverLabel() + "' cannot start: " + e.getMessage());
        } catch (ExecutorException.Interrupted e) {
            throw new McpCalls.Interrupted();
        }
    }

    void quota(CommandQuota current) {
        quota = current;
    }

    CommandQuota quota() {
        return quota;
    }

    EnvironmentLink environment() {
        return environment;
    }

    FileTools files() {
        return files;
    }

    /** The time limit the model asked for a command of this run (the default when it asked none). */
    long timeoutMs(String callId) {
        return timeouts.getOrDefault(callId, DEFAULT_COMMAND_MS);
    }

    /** {@code text} as it may be stored and shown: without the vault tokens this run opened. */
    String scrub(String text) {
        return text == null ? null : scrubber.scrub(text);
    }

    /** The session's credentials of {@code server}, with its vault credential's token as {@code Authorization: Bearer}. */
    private AgentTool.McpCredentials.Plain credentials(RuntimeParts parts, AgentTool.Mcp server, String sessionId, VaultCredentials vault)
            throws VaultKeys.Unusable {
        AgentTool.McpCredentials.Plain own = ToolJson.open(server, parts.secrets(), sessionId);
        if (server.credentialId() == null) return own;
        String token = vault.token(server.credentialId(), server.serverUrl());
        scrubber.add(server.credentialId(), token);
        return new AgentTool.McpCredentials.Plain("Bearer " + token, own == null ? Map.of() : own.headers());
    }

    /** What the servers of this run answer, with the vault tokens it opened replaced. */
    SecretScrubber scrubber() {
        return scrubber;
    }

    /** What the model may call. */
    List<ToolSpec> specs() {
        List<ToolSpec> specs = new ArrayList<>(Conversation.functions(spec));
        if (environment != null) specs.addAll(HarnessTools.specs(files.hasSkillDirectories()));
        mcp.forEach((name, tool) -> specs.add(ToolSpec.function(name, tool.info().description(), tool.info().inputSchemaJson())));
        return specs;
    }

    /** Whether a call may be sent again after a crash: its server marks the tool idempotent (a server no longer in the agent: no). */
    boolean idempotent(ItemBody.McpCall call) {
        return spec.tools().stream().anyMatch(t -> t instanceof AgentTool.Mcp m && m.serverLabel().equals(call.serverLabel()) && m.idempotent(call.name()));
    }

    McpTool mcpTool(String serverLabel, String name) {
        return mcp.get(McpToolNames.name(serverLabel, name));
    }

    /**
     * The model's calls as items: a function call for the agent's functions, an MCP call (to
     * run) for a server's tool; a call of a tool the agent does not have is recorded answered at
     * once, with an error the model will read.
     */
    List<ItemBody> items(List<ContentBlock.ToolUse> calls) {
        List<ItemBody> out = new ArrayList<>();
        for (ContentBlock.ToolUse use : calls) {
            McpTool tool = mcp.get(use.name());
            if (environment != null && HarnessTools.NAMES.contains(use.name())) {
                out.add(environmentCall(use));
            } else if (spec.function(use.name()).isPresent()) {
                out.add(new ItemBody.FunctionCall(use.id(), use.name(), use.input()));
            } else if (tool != null) {
                out.add(new ItemBody.McpCall(use.id(), tool.server().serverLabel(), tool.info().name(), use.input(), null, null));
            } else {
                // The call stays in the history with its answer: a provider refuses a result for a call it cannot find.
                out.add(new ItemBody.FunctionCall(use.id(), use.name(), use.input()));
                out.add(new ItemBody.FunctionCallOutput(use.id(), null, "There is no tool named '" + use.name() + "'."));
            }
        }
        return out;
    }

    /** A call of a harness tool, to run: a shell command, or a file tool. */
    private ItemBody environmentCall(ContentBlock.ToolUse use) {
        if (!use.name().equals(HarnessTools.SHELL)) return new ItemBody.EnvironmentCall(use.id(), use.name(), use.input(), null, null);
        JsonNode arguments = HarnessTools.arguments(use.input());
        String command = arguments == null ? null : arguments.path("command").isTextual() ? arguments.get("command").textValue() : null;
        String workdir = arguments == null ? null : arguments.path("workdir").isTextual() ? arguments.get("workdir").textValue() : null;
        if (arguments != null && arguments.path("timeout_ms").canConvertToLong() && arguments.get("timeout_ms").asLong() > 0) {
            timeouts.put(use.id(), arguments.get("timeout_ms").asLong());
        }
        return new ItemBody.CommandExecution(use.id(), command, workdir, null, null, null, null);
    }

    @Override
    public void close() {
        for (McpConnection connection : connections) {
            try {
                connection.close();
            } catch (RuntimeException e) {
                LOG.fine(() -> "closing an MCP session failed: " + e.getMessage());
            }
        }
    }
}
