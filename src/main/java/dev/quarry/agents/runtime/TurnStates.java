package dev.quarry.agents.runtime;

import dev.quarry.agents.model.Approval;
import dev.quarry.agents.model.EventPayload;
import dev.quarry.agents.model.Item;
import dev.quarry.agents.model.ItemBody;
import dev.quarry.agents.model.Session;
import dev.quarry.agents.model.Turn;
import dev.quarry.agents.model.TurnError;
import dev.quarry.agents.model.TurnUsage;
import dev.quarry.agents.store.SessionTx;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The state changes of a turn and its session, each with the events that report it, written in
 * the caller's transaction. The API (inputs, cancel) and the runner make the same changes through
 * here, so the session's status always follows its open turn: {@code in_progress} while it runs,
 * {@code requires_action} while it waits for function results, {@code idle} otherwise.
 */
public final class TurnStates {
    private TurnStates() {}

    /** Opens a turn with the user's message: queued until a runner claims it. */
    public static Turn open(SessionTx tx, String text, String sourceIp, String userAgent) {
        Turn turn = tx.newTurn(sourceIp, userAgent);
        tx.event("agent.session.turn.created", turn.id(), new EventPayload.TurnState(turn));
        Item message = tx.addItem(turn.id(), Item.COMPLETED, new ItemBody.UserMessage(text), null);
        itemAddedAndDone(tx, message, null);
        tx.status(Session.IN_PROGRESS, null);
        return turn;
    }

    /** The first claim of a queued turn: it is in progress. */
    public static Turn started(SessionTx tx, Turn turn) {
        Turn started = withStatus(turn, Turn.IN_PROGRESS, turn.startedAt() == null ? tx.now() : turn.startedAt(), null, null);
        tx.update(started);
        tx.event("agent.session.turn.in_progress", turn.id(), new EventPayload.TurnState(started));
        if (!tx.status().equals(Session.IN_PROGRESS)) tx.status(Session.IN_PROGRESS, null);
        return started;
    }

    /** The turn waits for the application's function results; no runner holds it meanwhile. */
    public static Turn waiting(SessionTx tx, Turn turn) {
        Turn waiting = withStatus(turn, Turn.WAITING, turn.startedAt(), null, null);
        tx.update(waiting);
        tx.status(Session.REQUIRES_ACTION, null);
        return waiting;
    }

    /** Every function result is in: the turn goes back to a runner. */
    public static Turn resumed(SessionTx tx, Turn turn) {
        Turn queued = withStatus(turn, Turn.QUEUED, turn.startedAt(), null, null);
        tx.update(queued);
        tx.status(Session.IN_PROGRESS, null);
        return queued;
    }

    /** Resumes a waiting turn once no function result and no approval is awaited; true when it did. */
    public static boolean resumeIfReady(SessionTx tx, Turn turn) {
        boolean awaited = !pendingCalls(tx.items(turn.id())).isEmpty()
                || tx.approvals(turn.id()).stream().anyMatch(a -> a.status().equals(Approval.PENDING));
        if (!turn.status().equals(Turn.WAITING) || awaited) return false;
        resumed(tx, turn);
        return true;
    }

    public static Turn completed(SessionTx tx, Turn turn) {
        return close(tx, turn, Turn.COMPLETED, null);
    }

    public static Turn failed(SessionTx tx, Turn turn, TurnError error) {
        return close(tx, turn, Turn.FAILED, error);
    }

    /** Fails the turn mid-step: every call still open gets a result saying why (a call is never left without an answer). */
    public static Turn failedWithOpenCalls(SessionTx tx, Turn turn, TurnError error) {
        settleOpenCalls(tx, turn, error.code() + ": " + error.message());
        return failed(tx, turn, error);
    }

    /**
     * Stops the turn: what was being said is kept as incomplete, every call still open gets a
     * result saying it was cancelled (a call is never left without an answer), and the turn ends
     * {@code cancelled}.
     */
    public static Turn cancelled(SessionTx tx, Turn turn) {
        settleOpenCalls(tx, turn, "cancelled: the turn was cancelled before this call had a result");
        return close(tx, turn, Turn.CANCELLED, null);
    }

    /** Takes the messages waiting for {@code turn} into its items, oldest first. */
    public static void takeIn(SessionTx tx, Turn turn) {
        for (String text : tx.takePending()) {
            Item message = tx.addItem(turn.id(), Item.COMPLETED, new ItemBody.UserMessage(text), turn.step());
            itemAddedAndDone(tx, message, null);
        }
    }

    /**
     * Records an item as added and done at once (an input, or a call with its result). An input
     * (a user's message, a tool's result) is only added: the API's {@code item.done} carries the
     * agent's output items, and the SDKs read its item as one.
     */
    public static void itemAddedAndDone(SessionTx tx, Item item, Integer outputIndex) {
        tx.event("agent.session.turn.item.added", item.turnId(), new EventPayload.ItemState(item, outputIndex));
        if (item.body() instanceof ItemBody.UserMessage || item.body() instanceof ItemBody.FunctionCallOutput) return;
        tx.event("agent.session.turn.item.done", item.turnId(), new EventPayload.ItemState(item, outputIndex));
    }

    public static void itemDone(SessionTx tx, Item item, Integer outputIndex) {
        tx.updateItem(item);
        tx.event("agent.session.turn.item.done", item.turnId(), new EventPayload.ItemState(item, outputIndex));
    }

    /** Function calls of {@code turn} without a result. */
    public static List<ItemBody.FunctionCall> pendingCalls(List<Item> items) {
        Set<String> answered = new HashSet<>();
        for (Item item : items) {
            if (item.body() instanceof ItemBody.FunctionCallOutput o) answered.add(o.callId());
        }
        return items.stream().map(Item::body).filter(ItemBody.FunctionCall.class::isInstance).map(ItemBody.FunctionCall.class::cast)
                .filter(call -> !answered.contains(call.callId())).toList();
    }

    private static void settleOpenCalls(SessionTx tx, Turn turn, String why) {
        List<Item> items = tx.items(turn.id());
        for (ItemBody.FunctionCall call : pendingCalls(items)) {
            Item output = tx.addItem(turn.id(), Item.FAILED, new ItemBody.FunctionCallOutput(call.callId(), null, why), turn.step());
            itemAddedAndDone(tx, output, null);
        }
        for (Item item : items) {
            if (!item.status().equals(Item.IN_PROGRESS)) continue;
            Item settled = switch (item.body()) {
                case ItemBody.McpCall m -> item.withState(Item.FAILED, m.answered(null, why));
                case ItemBody.CommandExecution c -> item.withState(Item.FAILED, c.ended(c.output(), null, null, why));
                case ItemBody.EnvironmentCall e -> item.withState(Item.FAILED, e.answered(null, why));
                default -> item.withState(Item.INCOMPLETE, item.body());
            };
            itemDone(tx, settled, null);
        }
    }

    private static Turn close(SessionTx tx, Turn turn, String status, TurnError error) {
        tx.cancelApprovals(turn.id());
        // A message sent to the turn stays in it, unanswered, rather than surface in the next turn behind that turn's own message.
        takeIn(tx, turn);
        Turn closed = new Turn(turn.id(), turn.sessionId(), turn.number(), status, turn.createdAt(), turn.startedAt(), tx.now(),
                error == null ? null : error.code(), error == null ? null : error.message(), turn.usage(), turn.step(), turn.modelCalls(),
                turn.toolCalls());
        tx.update(closed);
        tx.event("agent.session.turn." + status, turn.id(), new EventPayload.TurnState(closed));
        tx.status(Session.IDLE, error);
        return closed;
    }

    private static Turn withStatus(Turn turn, String status, Long startedAt, String errorCode, String errorMessage) {
        return new Turn(turn.id(), turn.sessionId(), turn.number(), status, turn.createdAt(), startedAt, turn.completedAt(), errorCode,
                errorMessage, turn.usage(), turn.step(), turn.modelCalls(), turn.toolCalls());
    }

    /** {@code turn} after one more model call that used {@code usage}. */
    static Turn afterModelCall(Turn turn, TurnUsage usage, int toolCalls) {
        return new Turn(turn.id(), turn.sessionId(), turn.number(), turn.status(), turn.createdAt(), turn.startedAt(), turn.completedAt(),
                turn.errorCode(), turn.errorMessage(), turn.usage().plus(usage), turn.step() + 1, turn.modelCalls() + 1, turn.toolCalls() + toolCalls);
    }
}
