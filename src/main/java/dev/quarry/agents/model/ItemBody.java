package dev.quarry.agents.model;

import java.util.Objects;

/** What an item says, by type; each type's wire name is {@link #type()}. */
public sealed interface ItemBody {
    String type();

    /** The id prefix of items of this type. */
    String idPrefix();

    /** The call this item makes or answers, {@code null} for a message. */
    default String callId() {
        return null;
    }

    /** A message from the user: the turn's input, or a message steering a running turn. */
    record UserMessage(String text) implements ItemBody {
        public String type() { return "message"; }
        public String idPrefix() { return "msg_"; }
    }

    /** The agent's answer text of one model call. */
    record AssistantMessage(String text) implements ItemBody {
        public String type() { return "message"; }
        public String idPrefix() { return "msg_"; }
    }

    /** A call of a function the application runs; its result comes as {@link FunctionCallOutput}. */
    record FunctionCall(String callId, String name, String arguments) implements ItemBody {
        public FunctionCall {
            Objects.requireNonNull(callId, "callId");
        }
        public String type() { return "function_call"; }
        public String idPrefix() { return "fc_"; }
    }

    /** @param error why the call failed ({@code output} then {@code null}), else {@code null} */
    record FunctionCallOutput(String callId, String output, String error) implements ItemBody {
        public String type() { return "function_call_output"; }
        public String idPrefix() { return "fco_"; }
    }

    /**
     * The model's own summary of the history before it (Quarry's item type {@code compaction}): the
     * model's later calls read it in place of that history, which had grown too long for its window.
     */
    record Compaction(String summary) implements ItemBody {
        public String type() { return "compaction"; }
        public String idPrefix() { return "cmp_"; }
    }

    /** A call of a tool on an MCP server, made by Quarry: the call and, once done, its output or error. */
    record McpCall(String callId, String serverLabel, String name, String arguments, String output, String error) implements ItemBody {
        public String type() { return "mcp_call"; }
        public String idPrefix() { return "mcp_"; }

        public McpCall answered(String newOutput, String newError) {
            return new McpCall(callId, serverLabel, name, arguments, newOutput, newError);
        }
    }

    /**
     * A shell command the agent ran in its environment: the command, and once done its output
     * (both streams, as they interleaved), exit code and duration.
     *
     * @param error why it did not finish (timed out, output too long, executor lost, interrupted), {@code null} when it did
     */
    record CommandExecution(String callId, String command, String cwd, String output, Integer exitCode, Long durationMs, String error)
            implements ItemBody {
        public String type() { return "command_execution"; }
        public String idPrefix() { return "ce_"; }

        public CommandExecution ended(String newOutput, Integer newExitCode, Long newDurationMs, String newError) {
            return new CommandExecution(callId, command, cwd, newOutput, newExitCode, newDurationMs, newError);
        }
    }

    /**
     * A call of one of the environment's file tools ({@code read_file}, {@code list_dir},
     * {@code write_file}, {@code apply_patch}, {@code load_skill}): Quarry's item type
     * {@code environment_call}, with the tool's arguments and, once done, its output or error.
     */
    record EnvironmentCall(String callId, String tool, String arguments, String output, String error) implements ItemBody {
        public String type() { return "environment_call"; }
        public String idPrefix() { return "envc_"; }

        public EnvironmentCall answered(String newOutput, String newError) {
            return new EnvironmentCall(callId, tool, arguments, newOutput, newError);
        }
    }
}
