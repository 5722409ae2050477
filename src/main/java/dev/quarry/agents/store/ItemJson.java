package dev.quarry.agents.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agents.model.EnvironmentState;
import dev.quarry.agents.model.EventPayload;
import dev.quarry.agents.model.Item;
import dev.quarry.agents.model.ItemBody;
import dev.quarry.agents.model.Turn;
import dev.quarry.agents.model.TurnError;
import dev.quarry.agents.model.TurnUsage;
import dev.quarry.store.StoreException;

/** Item bodies, event payloads and usage as stored: Quarry's own JSON, read back into the model. */
final class ItemJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ItemJson() {}

    static String body(ItemBody body) {
        ObjectNode node = JSON.createObjectNode();
        switch (body) {
            case ItemBody.UserMessage m -> node.put("kind", "user").put("text", m.text());
            case ItemBody.AssistantMessage m -> node.put("kind", "assistant").put("text", m.text());
            case ItemBody.Compaction c -> node.put("kind", "compaction").put("summary", c.summary());
            case ItemBody.FunctionCall f -> node.put("kind", "function_call").put("call_id", f.callId()).put("name", f.name())
                    .put("arguments", f.arguments());
            case ItemBody.FunctionCallOutput o -> node.put("kind", "function_call_output").put("call_id", o.callId()).put("output", o.output())
                    .put("error", o.error());
            case ItemBody.McpCall m -> node.put("kind", "mcp_call").put("call_id", m.callId()).put("server_label", m.serverLabel())
                    .put("name", m.name()).put("arguments", m.arguments()).put("output", m.output()).put("error", m.error());
            case ItemBody.CommandExecution c -> node.put("kind", "command_execution").put("call_id", c.callId()).put("command", c.command())
                    .put("cwd", c.cwd()).put("output", c.output()).put("exit_code", c.exitCode()).put("duration_ms", c.durationMs())
                    .put("error", c.error());
            case ItemBody.EnvironmentCall e -> node.put("kind", "environment_call").put("call_id", e.callId()).put("tool", e.tool())
                    .put("arguments", e.arguments()).put("output", e.output()).put("error", e.error());
        }
        return node.toString();
    }

    private static ObjectNode environment(EnvironmentState state) {
        ObjectNode node = JSON.createObjectNode().put("id", state.id()).put("type", state.type()).put("status", state.status())
                .put("executor_version", state.executorVersion());
        if (state.error() != null) node.put("error_code", state.error().code()).put("error_message", state.error().message());
        return node;
    }

    private static EnvironmentState environment(JsonNode n) {
        return new EnvironmentState(text(n, "id"), text(n, "type"), text(n, "status"), text(n, "executor_version"),
                n.hasNonNull("error_code") ? new TurnError(text(n, "error_code"), text(n, "error_message")) : null);
    }

    static ItemBody body(String json) {
        JsonNode n = parse(json);
        return switch (n.path("kind").asText()) {
            case "user" -> new ItemBody.UserMessage(text(n, "text"));
            case "assistant" -> new ItemBody.AssistantMessage(text(n, "text"));
            case "compaction" -> new ItemBody.Compaction(text(n, "summary"));
            case "function_call" -> new ItemBody.FunctionCall(text(n, "call_id"), text(n, "name"), text(n, "arguments"));
            case "function_call_output" -> new ItemBody.FunctionCallOutput(text(n, "call_id"), text(n, "output"), text(n, "error"));
            case "mcp_call" -> new ItemBody.McpCall(text(n, "call_id"), text(n, "server_label"), text(n, "name"), text(n, "arguments"),
                    text(n, "output"), text(n, "error"));
            case "command_execution" -> new ItemBody.CommandExecution(text(n, "call_id"), text(n, "command"), text(n, "cwd"), text(n, "output"),
                    n.hasNonNull("exit_code") ? n.get("exit_code").asInt() : null, n.hasNonNull("duration_ms") ? n.get("duration_ms").asLong() : null,
                    text(n, "error"));
            case "environment_call" -> new ItemBody.EnvironmentCall(text(n, "call_id"), text(n, "tool"), text(n, "arguments"), text(n, "output"),
                    text(n, "error"));
            default -> throw new StoreException("an item in the store is of unknown kind '" + n.path("kind").asText() + "'", null);
        };
    }

    static String payload(EventPayload payload) {
        ObjectNode node = JSON.createObjectNode();
        switch (payload) {
            case EventPayload.SessionState s -> {
                node.put("kind", "session").put("status", s.status());
                if (s.error() != null) node.put("error_code", s.error().code()).put("error_message", s.error().message());
            }
            case EventPayload.TurnState t -> node.put("kind", "turn").set("turn", turn(t.turn()));
            case EventPayload.ItemState i -> {
                node.put("kind", "item").put("item_id", i.item().id()).put("status", i.item().status()).put("body", body(i.item().body()));
                if (i.outputIndex() != null) node.put("output_index", i.outputIndex());
            }
            case EventPayload.TextPart p -> node.put("kind", "text").put("item_id", p.itemId()).put("output_index", p.outputIndex())
                    .put("content_index", p.contentIndex()).put("text", p.text());
            case EventPayload.StreamError e -> node.put("kind", "error").put("code", e.code()).put("message", e.message());
            case EventPayload.EnvironmentChange e -> node.put("kind", "environment").set("environment", environment(e.environment()));
        }
        return node.toString();
    }

    /** A payload read back: the turn or item as it was when the event was written. */
    static EventPayload payload(String json, String turnId, long seq, long createdAt) {
        JsonNode n = parse(json);
        return switch (n.path("kind").asText()) {
            case "session" -> new EventPayload.SessionState(text(n, "status"),
                    n.hasNonNull("error_code") ? new TurnError(text(n, "error_code"), text(n, "error_message")) : null);
            case "turn" -> new EventPayload.TurnState(turn(n.path("turn")));
            case "item" -> new EventPayload.ItemState(new Item(text(n, "item_id"), turnId, seq, text(n, "status"), body(text(n, "body")), createdAt),
                    n.hasNonNull("output_index") ? n.get("output_index").asInt() : null);
            case "text" -> new EventPayload.TextPart(text(n, "item_id"), n.path("output_index").asInt(), n.path("content_index").asInt(), text(n, "text"));
            case "error" -> new EventPayload.StreamError(text(n, "code"), text(n, "message"));
            case "environment" -> new EventPayload.EnvironmentChange(environment(n.path("environment")));
            default -> throw new StoreException("an event in the store is of unknown kind '" + n.path("kind").asText() + "'", null);
        };
    }

    static String error(TurnError error) {
        return error == null ? null : JSON.createObjectNode().put("code", error.code()).put("message", error.message()).toString();
    }

    static TurnError error(String json) {
        if (json == null) return null;
        JsonNode n = parse(json);
        return new TurnError(text(n, "code"), text(n, "message"));
    }

    static String usage(TurnUsage usage) {
        return JSON.createObjectNode().put("input", usage.inputTokens()).put("cached", usage.cachedInputTokens()).put("output", usage.outputTokens())
                .put("reasoning", usage.reasoningTokens()).toString();
    }

    static TurnUsage usage(String json) {
        if (json == null) return TurnUsage.NONE;
        JsonNode n = parse(json);
        return new TurnUsage(n.path("input").asLong(), n.path("cached").asLong(), n.path("output").asLong(), n.path("reasoning").asLong());
    }

    private static ObjectNode turn(Turn t) {
        ObjectNode node = JSON.createObjectNode().put("id", t.id()).put("session_id", t.sessionId()).put("number", t.number())
                .put("status", t.status()).put("created_at", t.createdAt()).put("started_at", t.startedAt()).put("completed_at", t.completedAt())
                .put("error_code", t.errorCode()).put("error_message", t.errorMessage()).put("step", t.step()).put("model_calls", t.modelCalls())
                .put("tool_calls", t.toolCalls());
        node.put("usage", usage(t.usage()));
        return node;
    }

    private static Turn turn(JsonNode n) {
        return new Turn(text(n, "id"), text(n, "session_id"), n.path("number").asInt(), text(n, "status"), n.path("created_at").asLong(),
                optLong(n, "started_at"), optLong(n, "completed_at"), text(n, "error_code"), text(n, "error_message"), usage(text(n, "usage")),
                n.path("step").asInt(), n.path("model_calls").asInt(), n.path("tool_calls").asInt());
    }

    private static Long optLong(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asLong() : null;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new StoreException("an agent item or event in the store is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        return SpecJson.text(node.get(field));
    }
}
