package dev.quarry.agents.model;

/** What an event carries, by kind of event. */
public sealed interface EventPayload {
    /** {@code agent.session.*}: the session's state at that moment. */
    record SessionState(String status, TurnError error) implements EventPayload {}

    /** {@code agent.session.turn.*}: the turn at that moment. */
    record TurnState(Turn turn) implements EventPayload {}

    /** {@code …turn.item.added|done}: the item, and its place in the model's output ({@code null} for an input). */
    record ItemState(Item item, Integer outputIndex) implements EventPayload {}

    /** {@code …content_part.*} and {@code …output_text.*}: a fragment ({@code delta}) or the whole text ({@code done}). */
    record TextPart(String itemId, int outputIndex, int contentIndex, String text) implements EventPayload {}

    /** {@code agent.session.environment.*}: the session's environment at that moment. */
    record EnvironmentChange(EnvironmentState environment) implements EventPayload {}

    /** {@code error}: a problem with the stream itself, not a turn. */
    record StreamError(String code, String message) implements EventPayload {}
}
