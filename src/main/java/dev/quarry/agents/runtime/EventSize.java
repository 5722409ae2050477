package dev.quarry.agents.runtime;

import dev.quarry.agents.model.EventPayload;
import dev.quarry.agents.model.ItemBody;
import dev.quarry.agents.model.SessionEvent;

/** Roughly how many characters an event holds: its texts, and a fixed share for the rest. */
final class EventSize {
    /** Ids, status, type and the other short fields of an event. */
    static final long FIXED = 256;

    private EventSize() {}

    static long of(SessionEvent event) {
        return FIXED + switch (event.payload()) {
            case EventPayload.TextPart part -> length(part.text());
            case EventPayload.ItemState state -> of(state.item().body());
            case EventPayload.StreamError error -> length(error.message());
            case EventPayload.SessionState state -> state.error() == null ? 0 : length(state.error().message());
            case EventPayload.TurnState state -> length(state.turn().errorMessage());
            case EventPayload.EnvironmentChange change -> change.environment().error() == null ? 0 : length(change.environment().error().message());
        };
    }

    private static long of(ItemBody body) {
        return switch (body) {
            case ItemBody.UserMessage m -> length(m.text());
            case ItemBody.AssistantMessage m -> length(m.text());
            case ItemBody.FunctionCall f -> length(f.name()) + length(f.arguments());
            case ItemBody.FunctionCallOutput o -> length(o.output()) + length(o.error());
            case ItemBody.Compaction c -> length(c.summary());
            case ItemBody.McpCall m -> length(m.name()) + length(m.arguments()) + length(m.output()) + length(m.error());
            case ItemBody.CommandExecution c -> length(c.command()) + length(c.cwd()) + length(c.output()) + length(c.error());
            case ItemBody.EnvironmentCall e -> length(e.tool()) + length(e.arguments()) + length(e.output()) + length(e.error());
        };
    }

    private static long length(String text) {
        return text == null ? 0 : text.length();
    }
}
