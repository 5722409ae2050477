package dev.quarry.surface.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.agents.model.EnvironmentState;
import dev.quarry.agents.model.EventPayload;
import dev.quarry.agents.model.Ids;
import dev.quarry.agents.model.Input;
import dev.quarry.agents.model.Item;
import dev.quarry.agents.model.ItemBody;
import dev.quarry.agents.model.SessionEvent;
import dev.quarry.agents.model.Turn;
import dev.quarry.agents.model.TurnError;
import dev.quarry.agents.model.TurnUsage;
import dev.quarry.canonical.QuarryException;
import dev.quarry.surface.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** The Agents API's inputs, and its turns, items and stream events. */
public final class SessionEventsCodec {
    /** Inputs posted at once. */
    static final int MAX_INPUTS = 32;
    /** A message's text, or a tool result's output: the limit the README states for input. */
    public static final int MAX_TEXT = 256 * 1024;
    static final int CALL_ID = 80;
    private static final Set<String> MESSAGE_FIELDS = Set.of("type", "input");
    private static final Set<String> RESULT_FIELDS = Set.of("type", "turn_id", "call_id", "success", "output", "error");

    private SessionEventsCodec() {}

    // ---- inputs ----

    /** {@code {"events": [...]}}: one to {@value #MAX_INPUTS} input events. */
    public static List<Input> inputs(ObjectNode body) {
        body.fieldNames().forEachRemaining(name -> {
            if (!name.equals("events")) throw QuarryException.invalid(name, "Unrecognized request argument supplied: '" + shown(name) + "'.");
        });
        JsonNode events = body.get("events");
        if (events == null || !events.isArray()) throw QuarryException.invalid("events", "Missing required parameter: 'events' (an array).");
        if (events.isEmpty()) throw QuarryException.invalid("events", "'events' must not be empty.");
        if (events.size() > MAX_INPUTS) throw QuarryException.invalid("events", "'events' may hold at most " + MAX_INPUTS + " events.");
        List<Input> inputs = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) inputs.add(input(events.get(i), "events[" + i + "]"));
        return inputs;
    }

    /** The {@code input} of a session's creation: a string or a list of user messages. */
    public static String createInput(JsonNode input) {
        return messageText(input, "input");
    }

    private static Input input(JsonNode event, String path) {
        if (!event.isObject()) throw QuarryException.invalid(path, "'" + path + "' must be an object.");
        String type = Json.requireText(event, "type", path + ".type");
        return switch (type) {
            case "agent.session.input.message" -> {
                known(event, MESSAGE_FIELDS, path);
                JsonNode input = event.get("input");
                if (input == null || input.isNull()) throw QuarryException.invalid(path + ".input", "Missing required parameter: '" + path + ".input'.");
                yield new Input.Message(messageText(input, path + ".input"));
            }
            case "agent.session.input.cancel" -> {
                known(event, Set.of("type"), path);
                yield new Input.Cancel();
            }
            case "agent.session.input.tool_result" -> {
                known(event, RESULT_FIELDS, path);
                String turnId = id(Json.requireText(event, "turn_id", path + ".turn_id"), path + ".turn_id");
                String callId = Json.requireText(event, "call_id", path + ".call_id");
                if (callId.isEmpty() || callId.length() > CALL_ID) throw QuarryException.invalid(path + ".call_id", "'" + path + ".call_id' must be 1 to " + CALL_ID + " characters.");
                JsonNode success = event.get("success");
                if (success == null || !success.isBoolean()) throw QuarryException.invalid(path + ".success", "Missing required parameter: '" + path + ".success' (a boolean).");
                String output = toolOutput(event.get("output"), path + ".output");
                String error = bounded(Json.optText(event, "error", path + ".error"), path + ".error");
                yield new Input.ToolResult(turnId, callId, success.booleanValue(), output, error);
            }
            case "agent.session.input.quarry_approval_result" -> {
                known(event, Set.of("type", "approval_id", "decision", "reason"), path);
                String approvalId = id(Json.requireText(event, "approval_id", path + ".approval_id"), path + ".approval_id");
                String decision = Json.requireText(event, "decision", path + ".decision");
                if (!decision.equals("approve") && !decision.equals("deny")) {
                    throw QuarryException.invalid(path + ".decision", "'" + path + ".decision' must be 'approve' or 'deny'.");
                }
                String reason = Json.optText(event, "reason", path + ".reason");
                yield new Input.ApprovalResult(approvalId, decision.equals("approve"), reason == null ? null : storable(reason, path + ".reason"));
            }
            case "agent.session.input.computer_use_approval_request_result" ->
                    throw QuarryException.unsupported(path + ".type", "Computer use is not supported, so there is no approval request to answer.");
            default -> throw QuarryException.invalid(path + ".type", "Unknown input event type '" + shown(type) + "'.");
        };
    }

    /** A string, or user messages whose content is text parts, joined by blank lines. */
    private static String messageText(JsonNode input, String path) {
        if (input.isTextual()) return nonEmpty(storable(input.textValue(), path), path);
        if (!input.isArray() || input.isEmpty()) throw QuarryException.invalid(path, "'" + path + "' must be a string or a non-empty list of messages.");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < input.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode message = input.get(i);
            if (!message.isObject()) throw QuarryException.invalid(at, "'" + at + "' must be a message object.");
            known(message, Set.of("role", "content", "type"), at);
            String type = Json.optText(message, "type", at + ".type");
            if (type != null && !type.equals("message")) throw QuarryException.invalid(at + ".type", "'" + at + ".type' must be 'message'.");
            String role = Json.optText(message, "role", at + ".role");
            if (role != null && !role.equals("user")) throw QuarryException.invalid(at + ".role", "Input messages must have role 'user'.");
            JsonNode content = message.get("content");
            if (content != null && content.isTextual()) {
                append(text, content.textValue(), at + ".content");
                continue;
            }
            if (content == null || !content.isArray() || content.isEmpty()) {
                throw QuarryException.invalid(at + ".content", "'" + at + ".content' must be a string or a non-empty list of parts.");
            }
            for (int j = 0; j < content.size(); j++) {
                String partPath = at + ".content[" + j + "]";
                JsonNode part = content.get(j);
                String partType = part.isObject() ? Json.requireText(part, "type", partPath + ".type") : null;
                if ("input_image".equals(partType)) throw QuarryException.unsupported(partPath + ".type", "Image input is not supported in agent sessions yet.");
                if (!"input_text".equals(partType)) throw QuarryException.invalid(partPath, "'" + partPath + "' must be an 'input_text' part.");
                known(part, Set.of("type", "text"), partPath);
                append(text, Json.requireText(part, "text", partPath + ".text"), partPath + ".text");
            }
        }
        return nonEmpty(text.toString(), path);
    }

    private static void append(StringBuilder text, String part, String path) {
        if (!text.isEmpty()) text.append("\n\n");
        text.append(storable(part, path));
        if (text.length() > MAX_TEXT) throw QuarryException.invalid(path, "A message may have at most " + MAX_TEXT + " characters of text.");
    }

    /** A tool's output: a string, or parts (sent on as JSON text, as the SDK does for objects). */
    private static String toolOutput(JsonNode output, String path) {
        if (output == null || output.isNull()) return null;
        if (output.isTextual()) return bounded(output.textValue(), path);
        if (output.isArray()) return bounded(Json.write(output), path);
        throw QuarryException.invalid(path, "'" + path + "' must be a string or a list of parts.");
    }

    // ---- objects ----

    public static ObjectNode turn(Turn turn, String agentId) {
        ObjectNode out = Json.object().put("id", turn.id()).put("object", "agent.session.turn").put("agent_id", agentId)
                .put("session_id", turn.sessionId()).putNull("subagent_id").put("status", turn.status())
                .put("created_at", turn.createdAt() / 1000);
        out.put("started_at", turn.startedAt() == null ? null : turn.startedAt() / 1000);
        out.put("completed_at", turn.completedAt() == null ? null : turn.completedAt() / 1000);
        out.set("usage", usage(turn.usage()));
        out.set("error", turn.errorCode() == null ? null : error(new TurnError(turn.errorCode(), turn.errorMessage())));
        return out;
    }

    public static ObjectNode usage(TurnUsage usage) {
        ObjectNode out = Json.object().put("input_tokens", usage.inputTokens());
        out.set("input_tokens_details", Json.object().put("cached_tokens", usage.cachedInputTokens()));
        out.put("output_tokens", usage.outputTokens());
        out.set("output_tokens_details", Json.object().put("reasoning_tokens", usage.reasoningTokens()));
        out.put("total_tokens", usage.totalTokens());
        return out;
    }

    /** An environment's state, as its events and the session object show it ({@code AgentSessionEnvironmentState}). */
    public static ObjectNode environment(EnvironmentState state) {
        ObjectNode out = Json.object().put("id", state.id()).put("type", state.type()).put("status", state.status());
        if (state.error() == null) out.putNull("error");
        else out.set("error", Json.object().put("type", "environment_error").put("code", state.error().code()).put("message", state.error().message()));
        out.put("quarry_executor_version", state.executorVersion());
        return out;
    }

    static ObjectNode error(TurnError error) {
        return Json.object().put("code", error.code()).put("message", error.message());
    }

    public static ObjectNode item(Item item) {
        ObjectNode out = Json.object().put("id", item.id()).put("type", item.body().type()).put("turn_id", item.turnId());
        switch (item.body()) {
            case ItemBody.UserMessage m -> message(out, "user", "input_text", m.text(), null);
            case ItemBody.AssistantMessage m -> message(out, "assistant", "output_text", m.text(), "final_answer");
            case ItemBody.Compaction c -> out.put("summary", c.summary()); // Quarry's item type; the SDKs keep unknown items as JSON
            case ItemBody.FunctionCall f -> out.put("call_id", f.callId()).put("name", f.name()).put("arguments", f.arguments());
            case ItemBody.FunctionCallOutput o -> out.put("call_id", o.callId()).put("output", o.output()).put("error", o.error());
            case ItemBody.McpCall m -> out.put("server_label", m.serverLabel()).put("name", m.name()).put("arguments", m.arguments())
                    .put("output", m.output()).put("error", m.error());
            case ItemBody.CommandExecution c -> out.put("call_id", c.callId()).put("command", c.command()).put("cwd", c.cwd()).put("output", c.output())
                    .put("exit_code", c.exitCode()).put("duration_ms", c.durationMs()).put("error", c.error());
            // Quarry's item type for the file tools; the SDKs keep unknown items as JSON.
            case ItemBody.EnvironmentCall e -> out.put("call_id", e.callId()).put("name", e.tool()).put("arguments", e.arguments())
                    .put("output", e.output()).put("error", e.error());
        }
        out.put("status", item.status());
        return out;
    }

    private static void message(ObjectNode out, String role, String partType, String text, String phase) {
        out.put("role", role);
        ArrayNode content = out.putArray("content");
        content.add(textPart(partType, text));
        out.put("phase", phase);
    }

    private static ObjectNode textPart(String type, String text) {
        ObjectNode part = Json.object().put("type", type).put("text", text);
        if (type.equals("output_text")) part.putArray("annotations");
        return part;
    }

    /**
     * An event as the stream sends it. {@code session} renders the session in the state an
     * {@code agent.session.*} event reports; {@code agentId} is the agent turns name.
     */
    public static ObjectNode event(SessionEvent event, Function<EventPayload.SessionState, ObjectNode> session, String agentId) {
        ObjectNode out = Json.object().put("event_id", event.eventId()).put("type", event.type()).put("session_id", event.sessionId())
                .put("turn_id", event.turnId());
        switch (event.payload()) {
            case EventPayload.SessionState state -> out.set("session", session.apply(state));
            case EventPayload.TurnState state -> {
                out.set("turn", turn(state.turn(), agentId));
                if (!state.turn().open()) out.set("usage", usage(state.turn().usage()));
            }
            case EventPayload.ItemState state -> {
                out.set("item", item(state.item()));
                // item.done's index is an integer in the API; a call settled apart from its answer (an MCP call's result, a
                // cancel) has none recorded, and shows 0.
                Integer index = state.outputIndex();
                out.put("output_index", index == null && event.type().endsWith(".done") ? Integer.valueOf(0) : index);
            }
            case EventPayload.TextPart part -> {
                out.put("item_id", part.itemId()).put("output_index", part.outputIndex()).put("content_index", part.contentIndex());
                if (event.type().endsWith(".delta")) out.put("delta", part.text());
                else if (event.type().endsWith("output_text.done")) out.put("text", part.text());
                else out.set("part", textPart("output_text", part.text()));
            }
            case EventPayload.EnvironmentChange change -> out.set("environment", environment(change.environment()));
            case EventPayload.StreamError error -> out.set("error", Json.object().put("code", error.code()).put("message", error.message())
                    .putNull("param").put("type", "invalid_request_error"));
        }
        return out;
    }

    private static void known(JsonNode object, Set<String> fields, String path) {
        object.fieldNames().forEachRemaining(name -> {
            if (!fields.contains(name)) throw QuarryException.invalid(path + "." + shown(name), "Unrecognized argument '" + path + "." + shown(name) + "'.");
        });
    }

    private static String id(String text, String param) {
        if (!Ids.wellFormed(text)) throw QuarryException.invalid(param, "'" + param + "' must be an id.");
        return text;
    }

    private static String nonEmpty(String text, String param) {
        if (text.isBlank()) throw QuarryException.invalid(param, "'" + param + "' must not be empty.");
        return text;
    }

    private static String bounded(String text, String param) {
        if (text != null && text.length() > MAX_TEXT) throw QuarryException.invalid(param, "'" + param + "' must be at most " + MAX_TEXT + " characters.");
        if (text != null && hasLoneSurrogate(text)) {
            // A JSON escape can name half a character, which UTF-8 cannot store: it would come back as '?'.
            throw QuarryException.invalid(param, "'" + param + "' must be valid Unicode text (it has an unpaired surrogate).");
        }
        return text;
    }

    /** A message's text: it may wait in the session's inbox as plain text, where PostgreSQL refuses NUL. */
    private static String storable(String text, String param) {
        if (text.indexOf('\u0000') >= 0) throw QuarryException.invalid(param, "'" + param + "' must not contain NUL characters.");
        return bounded(text, param);
    }

    private static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) i++;
            else if (Character.isSurrogate(c)) return true;
        }
        return false;
    }

    private static String shown(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }
}
