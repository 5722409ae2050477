package dev.quarry.agents.runtime;

import dev.quarry.agents.model.AgentSpec;
import dev.quarry.agents.model.AgentTool;
import dev.quarry.agents.model.Item;
import dev.quarry.agents.model.ItemBody;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.Role;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.ToolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A session's history as the canonical request of its next model call. Items are kept in
 * Quarry's own form, not a provider's, so a session can change model (and provider) between turns.
 */
final class Conversation {
    /** How a compaction's summary is put before the model, in place of the history it replaces. */
    static final String SUMMARY_HEADING = "Summary of the conversation so far (earlier messages were replaced by it):\n";

    private Conversation() {}

    /**
     * @param tools the tools the model may call: the agent's functions, and each MCP server's
     *              tools under the names {@link McpToolNames} gave them
     */
    static ChatRequest request(AgentSpec spec, List<Item> history, List<ToolSpec> tools) {
        List<Message> messages = new ArrayList<>();
        // The results of one answer's MCP calls follow all of its calls, in one message: a model
        // that made calls in parallel reads their results together, as every provider expects.
        List<ContentBlock> results = new ArrayList<>();
        for (Item item : sinceLastCompaction(history)) {
            if (item.status().equals(Item.INCOMPLETE)) continue; // an answer cut by a crash or a cancel is not history the model said
            if (!(item.body() instanceof ItemBody.McpCall || item.body() instanceof ItemBody.FunctionCall
                    || item.body() instanceof ItemBody.CommandExecution || item.body() instanceof ItemBody.EnvironmentCall)) flush(messages, results);
            switch (item.body()) {
                case ItemBody.UserMessage m -> add(messages, Role.USER, new ContentBlock.Text(m.text()));
                case ItemBody.Compaction c -> add(messages, Role.USER, new ContentBlock.Text(SUMMARY_HEADING + c.summary()));
                case ItemBody.AssistantMessage m -> add(messages, Role.ASSISTANT, new ContentBlock.Text(m.text()));
                case ItemBody.FunctionCall f -> add(messages, Role.ASSISTANT,
                        new ContentBlock.ToolUse(f.callId(), f.name(), arguments(f.arguments()), ToolKind.FUNCTION));
                case ItemBody.FunctionCallOutput o -> add(messages, Role.USER, new ContentBlock.ToolResult(o.callId(),
                        List.of(new ContentBlock.Text(o.error() != null ? o.error() : o.output() == null ? "" : o.output())), o.error() != null));
                case ItemBody.McpCall m -> {
                    add(messages, Role.ASSISTANT, new ContentBlock.ToolUse(m.callId(), McpToolNames.name(m.serverLabel(), m.name()),
                            arguments(m.arguments()), ToolKind.FUNCTION));
                    if (m.output() != null || m.error() != null) {
                        results.add(new ContentBlock.ToolResult(m.callId(),
                                List.of(new ContentBlock.Text(m.error() != null ? m.error() : m.output())), m.error() != null));
                    }
                }
                case ItemBody.CommandExecution c -> {
                    add(messages, Role.ASSISTANT, new ContentBlock.ToolUse(c.callId(), HarnessTools.SHELL, HarnessTools.shellArguments(c), ToolKind.FUNCTION));
                    if (!item.status().equals(Item.IN_PROGRESS)) {
                        results.add(new ContentBlock.ToolResult(c.callId(), List.of(new ContentBlock.Text(HarnessTools.shellResult(c))), c.error() != null));
                    }
                }
                case ItemBody.EnvironmentCall e -> {
                    add(messages, Role.ASSISTANT, new ContentBlock.ToolUse(e.callId(), e.tool(), arguments(e.arguments()), ToolKind.FUNCTION));
                    if (e.output() != null || e.error() != null) {
                        results.add(new ContentBlock.ToolResult(e.callId(),
                                List.of(new ContentBlock.Text(e.error() != null ? e.error() : e.output())), e.error() != null));
                    }
                }
            }
        }
        flush(messages, results);
        List<ContentBlock> system = spec.instructions() == null ? List.of() : List.of(new ContentBlock.Text(spec.instructions()));
        return new ChatRequest(spec.model(), system, messages, tools, ToolChoice.AUTO, InferenceConfig.DEFAULTS, Map.of());
    }

    /** The history a model call reads: from the last compaction on (the compaction itself included), or all of it. */
    static List<Item> sinceLastCompaction(List<Item> history) {
        for (int i = history.size() - 1; i >= 0; i--) {
            if (history.get(i).body() instanceof ItemBody.Compaction) return history.subList(i, history.size());
        }
        return history;
    }

    /** The agent's function tools, as the model sees them. */
    static List<ToolSpec> functions(AgentSpec spec) {
        List<ToolSpec> tools = new ArrayList<>();
        for (AgentTool tool : spec.tools()) {
            if (tool instanceof AgentTool.Function f) tools.add(ToolSpec.function(f.name(), f.description(), schema(f.parameters())));
        }
        return tools;
    }

    private static String schema(String parameters) {
        return parameters != null ? parameters : "{\"type\":\"object\",\"properties\":{}}";
    }

    private static String arguments(String arguments) {
        return arguments == null || arguments.isBlank() ? "{}" : arguments;
    }

    private static void flush(List<Message> messages, List<ContentBlock> results) {
        results.forEach(result -> add(messages, Role.USER, result));
        results.clear();
    }

    /** Consecutive blocks of one role make one message, as every provider expects. */
    private static void add(List<Message> messages, Role role, ContentBlock block) {
        if (!messages.isEmpty() && messages.getLast().role() == role) {
            List<ContentBlock> content = new ArrayList<>(messages.getLast().content());
            content.add(block);
            messages.set(messages.size() - 1, new Message(role, content));
        } else {
            messages.add(new Message(role, List.of(block)));
        }
    }
}
