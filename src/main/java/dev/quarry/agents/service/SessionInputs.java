package dev.quarry.agents.service;

import dev.quarry.agents.model.Approval;
import dev.quarry.agents.model.EventPayload;
import dev.quarry.agents.model.Input;
import dev.quarry.agents.model.Item;
import dev.quarry.agents.model.ItemBody;
import dev.quarry.agents.model.Session;
import dev.quarry.agents.model.Turn;
import dev.quarry.agents.runtime.AgentRuntime;
import dev.quarry.agents.runtime.EventHub;
import dev.quarry.agents.runtime.TurnStates;
import dev.quarry.agents.store.SessionTx;
import dev.quarry.agents.store.TurnStore;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a client posts to a session: a message (opens a turn, or steers the open one), a cancel,
 * a function's result. All inputs of one post are applied in one transaction, or none is; a post
 * repeated with the same {@code Idempotency-Key} (24 hours) changes nothing, and one with the
 * same key and another body is refused.
 */
public final class SessionInputs {
    /** The message a retried tool result must see to try again (the SDK matches this prefix). */
    public static final String UNKNOWN_CALL = "Unknown pending tool call: ";
    /**
     * The most messages that may wait for the open turn to take them in: a turn waiting for function
     * results takes none, and its runner reads them all in one transaction when it resumes.
     */
    public static final int MAX_PENDING = 32;

    private final TurnStore turns;
    private final EventHub hub;
    private final AgentRuntime runtime;
    private final Clock clock;

    public SessionInputs(TurnStore turns, EventHub hub, AgentRuntime runtime, Clock clock) {
        this.turns = turns;
        this.hub = hub;
        this.runtime = runtime;
        this.clock = clock;
    }

    /** Where a post came from: kept on the turn it opens, as the conditions its model calls are authorized with. */
    public record Sender(String principalId, String sourceIp, String userAgent) {}

    /** A session's creation: the {@code agent.session.created} event, and its first turn when it has an input. */
    public void begin(Session session, String input, Sender sender) {
        commitThenRun(session.id(), tx -> {
            tx.event("agent.session.created", null, new EventPayload.SessionState(session.status(), null));
            if (input != null) TurnStates.open(tx, input, sender.sourceIp(), sender.userAgent());
            return new Effects(input != null, null);
        });
    }

    /**
     * Applies a post of inputs to {@code session} (whose owner the caller is).
     *
     * @param idempotencyKey {@code null} when the client sent none
     * @param bodyHash       the post's body, hashed: what a repeat with the same key must match
     */
    public void post(Session session, List<Input> inputs, Sender sender, String idempotencyKey, String bodyHash) {
        commitThenRun(session.id(), tx -> {
            if (idempotencyKey != null) {
                Optional<String> earlier = tx.idempotent(sender.principalId(), idempotencyKey);
                if (earlier.isPresent()) {
                    if (earlier.get().equals(bodyHash)) return new Effects(false, null);
                    throw new QuarryException(new QuarryError(ErrorKind.CONFLICT, "The Idempotency-Key '" + idempotencyKey
                            + "' was used for a different request to this session in the last 24 hours.", "Idempotency-Key", null));
                }
                tx.inbox(sender.principalId(), idempotencyKey, bodyHash, "post", "", null, false);
            }
            Effects effects = new Effects(false, null);
            for (int i = 0; i < inputs.size(); i++) effects = effects.and(apply(tx, inputs.get(i), "events[" + i + "]", sender));
            return effects;
        });
    }

    /** What a transaction set in motion: a turn for a runner to claim, a running turn to stop. */
    private record Effects(boolean queued, String cancel) {
        Effects and(Effects other) {
            return new Effects(queued || other.queued, other.cancel != null ? other.cancel : cancel);
        }
    }

    private Effects apply(SessionTx tx, Input input, String path, Sender sender) {
        Optional<Turn> open = tx.openTurn();
        return switch (input) {
            case Input.Message message -> {
                if (open.isPresent()) {
                    if (tx.pendingCount() >= MAX_PENDING) {
                        throw new QuarryException(new QuarryError(ErrorKind.RATE_LIMITED, "The session's open turn already has " + MAX_PENDING
                                + " messages waiting for it to take them in; post again once it has.", path, null));
                    }
                    tx.inbox(sender.principalId(), null, "", "message", message.text(), open.get().id(), true);
                    yield new Effects(false, null);
                }
                TurnStates.open(tx, message.text(), sender.sourceIp(), sender.userAgent());
                yield new Effects(true, null);
            }
            case Input.Cancel cancel -> {
                if (open.isEmpty()) yield new Effects(false, null);
                Turn turn = open.get();
                if (turn.status().equals(Turn.IN_PROGRESS)) {
                    tx.requestCancel(turn.id());
                    yield new Effects(false, turn.id());
                }
                tx.requestCancel(turn.id());
                TurnStates.cancelled(tx, turn);
                yield new Effects(false, null);
            }
            case Input.ToolResult result -> toolResult(tx, open, result, path);
            case Input.ApprovalResult decision -> approval(tx, open, decision, path, sender);
        };
    }

    /**
     * A person's decision on a call held for approval. Approved, it runs once when the turn
     * resumes; denied, the model reads the denial as the call's result. The turn resumes once
     * nothing else is awaited.
     */
    private Effects approval(SessionTx tx, Optional<Turn> open, Input.ApprovalResult decision, String path, Sender sender) {
        Approval approval = tx.approval(decision.approvalId())
                .orElseThrow(() -> QuarryException.invalid(path + ".approval_id", "Unknown approval: " + decision.approvalId()));
        // Past its expiry it is the sweep's to end as expired (and resume the turn), even if the sweep has not come by yet.
        if (approval.status().equals(Approval.PENDING) && approval.expiresAt() <= tx.now()) {
            throw new QuarryException(new QuarryError(ErrorKind.CONFLICT, "approval_expired: the approval '" + approval.id()
                    + "' expired before it was decided.", path + ".approval_id", null));
        }
        if (!approval.status().equals(Approval.PENDING) || !tx.decide(approval.id(), decision.approve() ? Approval.APPROVED : Approval.DENIED,
                sender.principalId(), decision.reason())) {
            throw new QuarryException(new QuarryError(ErrorKind.CONFLICT, "approval_decided: the approval '" + approval.id()
                    + "' was already decided (" + approval.status() + ").", path + ".approval_id", null));
        }
        // A pending approval belongs to the open turn (a turn that closes cancels its own): resume it if nothing else is awaited.
        boolean resumed = open.filter(t -> t.id().equals(approval.turnId())).map(turn -> TurnStates.resumeIfReady(tx, turn)).orElse(false);
        return new Effects(resumed, null);
    }

    private Effects toolResult(SessionTx tx, Optional<Turn> open, Input.ToolResult result, String path) {
        Turn turn = open.filter(t -> t.id().equals(result.turnId())).orElseThrow(() -> unknownCall(result, path));
        List<Item> items = tx.items(turn.id());
        boolean called = items.stream().anyMatch(i -> i.body() instanceof ItemBody.FunctionCall f && f.callId().equals(result.callId()));
        if (!called) throw unknownCall(result, path);
        ItemBody.FunctionCallOutput output = new ItemBody.FunctionCallOutput(result.callId(), result.success() ? result.output() : null,
                result.success() ? null : result.error() != null ? result.error() : "The application reported the call as failed.");
        Optional<ItemBody.FunctionCallOutput> recorded = items.stream().map(Item::body).filter(ItemBody.FunctionCallOutput.class::isInstance)
                .map(ItemBody.FunctionCallOutput.class::cast).filter(o -> o.callId().equals(result.callId())).findFirst();
        if (recorded.isPresent()) {
            if (recorded.get().equals(output)) return new Effects(false, null); // the same result again: a retry
            throw QuarryException.invalid(path + ".call_id", "Tool call " + result.callId() + " already has a result.");
        }
        Item item = tx.addItem(turn.id(), result.success() ? Item.COMPLETED : Item.FAILED, output, turn.step());
        TurnStates.itemAddedAndDone(tx, item, null);
        return new Effects(TurnStates.resumeIfReady(tx, turn), null);
    }

    private static QuarryException unknownCall(Input.ToolResult result, String path) {
        return QuarryException.invalid(path + ".call_id", UNKNOWN_CALL + result.callId());
    }

    private void commitThenRun(String sessionId, java.util.function.Function<SessionTx, Effects> work) {
        TurnStore.Committed<Effects> committed;
        try {
            committed = turns.inSession(sessionId, clock.millis(), work);
        } catch (TurnStore.SessionGone e) {
            throw Owned.missing("session", sessionId, "session_id");
        }
        hub.publish(committed.events());
        if (committed.result().cancel() != null) runtime.cancelLocal(committed.result().cancel());
        if (committed.result().queued()) runtime.kick();
    }
}
