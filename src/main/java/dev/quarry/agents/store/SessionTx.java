package dev.quarry.agents.store;

import dev.quarry.agents.model.Approval;
import dev.quarry.agents.model.EnvironmentState;
import dev.quarry.agents.model.EventPayload;
import dev.quarry.agents.model.Ids;
import dev.quarry.agents.model.Item;
import dev.quarry.agents.model.ItemBody;
import dev.quarry.agents.model.SessionEvent;
import dev.quarry.agents.model.Turn;
import dev.quarry.agents.model.TurnError;
import dev.quarry.agents.model.TurnUsage;
import dev.quarry.store.StoredText;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One transaction on one session, holding its row lock from the first statement to the commit: so
 * the session's sequences (one for items, one without gaps for events) are given out in commit order, and the API and
 * the turn's runner never interleave their changes. The events written are returned by
 * {@link TurnStore#inSession} once committed, to be published.
 */
public final class SessionTx {
    private final Connection c;
    private final String sessionId;
    private final long now;
    private final List<SessionEvent> events = new ArrayList<>();
    private long nextSeq;
    private long nextEventSeq;
    private String status;
    private TurnError error;
    private boolean statusChanged;

    SessionTx(Connection c, String sessionId, long now, long nextSeq, long nextEventSeq, String status) {
        this.c = c;
        this.sessionId = sessionId;
        this.now = now;
        this.nextSeq = nextSeq;
        this.nextEventSeq = nextEventSeq;
        this.status = status;
    }

    public String sessionId() {
        return sessionId;
    }

    public long now() {
        return now;
    }

    public String status() {
        return status;
    }

    /** Sets the session's status (and the error shown until the next turn starts), and records the event that says so. */
    public void status(String newStatus, TurnError newError) {
        status = newStatus;
        error = newError;
        statusChanged = true;
        event("agent.session." + newStatus, null, new EventPayload.SessionState(newStatus, newError));
    }

    /** Records the environment's new state, and the {@code agent.session.environment.<status>} event that says so. */
    public void environment(EnvironmentState state, String turnId) {
        // The version and the error's message come from the executor: fitted to their columns, as the event shows them too.
        EnvironmentState stored = new EnvironmentState(state.id(), state.type(), state.status(), StoredText.fit(state.executorVersion(), 64),
                state.error() == null ? null : new TurnError(state.error().code(), StoredText.fit(state.error().message(), 8192)));
        run("UPDATE agent_environments SET status = ?, executor_version = ?, error_code = ?, error_message = ?, updated_at = ? WHERE session_id = ?", s -> {
            s.setString(1, stored.status());
            s.setString(2, stored.executorVersion());
            s.setString(3, stored.error() == null ? null : stored.error().code());
            s.setString(4, stored.error() == null ? null : stored.error().message());
            s.setLong(5, now);
            s.setString(6, sessionId);
        });
        event("agent.session.environment." + stored.status(), turnId, new EventPayload.EnvironmentChange(stored));
    }

    /** The environment's state as committed, read within this transaction; empty for a session with none. */
    public Optional<EnvironmentState> environment() {
        return EnvironmentRows.find(c, sessionId);
    }

    public SessionEvent event(String type, String turnId, EventPayload payload) {
        long seq = nextEventSeq++;
        SessionEvent event = new SessionEvent(sessionId, seq, 0, type, turnId, payload, now);
        run("INSERT INTO agent_events (session_id, seq, type, turn_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)", s -> {
            s.setString(1, sessionId);
            s.setLong(2, seq);
            s.setString(3, type);
            s.setString(4, turnId);
            s.setString(5, ItemJson.payload(payload));
            s.setLong(6, now);
        });
        events.add(event);
        return event;
    }

    // ---- turns ----

    public Optional<Turn> openTurn() {
        return query("SELECT " + TurnRows.COLUMNS + " FROM agent_turns WHERE session_id = ? AND status IN ('queued', 'in_progress', 'waiting')",
                s -> s.setString(1, sessionId)).stream().findFirst();
    }

    public Optional<Turn> turn(String turnId) {
        return query("SELECT " + TurnRows.COLUMNS + " FROM agent_turns WHERE id = ? AND session_id = ?", s -> {
            s.setString(1, turnId);
            s.setString(2, sessionId);
        }).stream().findFirst();
    }

    /** A new queued turn, numbered after the session's last. */
    public Turn newTurn(String sourceIp, String userAgent) {
        int number = TurnRows.nextNumber(c, sessionId);
        Turn turn = new Turn(Ids.next(Ids.TURN, now), sessionId, number, Turn.QUEUED, now, null, null, null, null,
                TurnUsage.NONE, 0, 0, 0);
        run("INSERT INTO agent_turns (id, session_id, number, status, created_at, source_ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)", s -> {
            s.setString(1, turn.id());
            s.setString(2, sessionId);
            s.setInt(3, number);
            s.setString(4, Turn.QUEUED);
            s.setLong(5, now);
            s.setString(6, sourceIp);
            s.setString(7, userAgent);
        });
        return turn;
    }

    /** Writes a turn's state (not its lease, which only claims and renewals touch). */
    public void update(Turn turn) {
        TurnRows.update(c, turn);
    }

    public void requestCancel(String turnId) {
        run("UPDATE agent_turns SET cancel_requested_at = ? WHERE id = ? AND cancel_requested_at IS NULL", s -> {
            s.setLong(1, now);
            s.setString(2, turnId);
        });
    }

    // ---- items ----

    public Item addItem(String turnId, String itemStatus, ItemBody body, Integer step) {
        long seq = nextSeq++;
        Item item = new Item(Ids.next(body.idPrefix(), now), turnId, seq, itemStatus, body, now);
        run("INSERT INTO agent_items (session_id, seq, id, turn_id, type, status, call_id, step, body, created_at, updated_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", s -> {
            s.setString(1, sessionId);
            s.setLong(2, seq);
            s.setString(3, item.id());
            s.setString(4, turnId);
            s.setString(5, body.type());
            s.setString(6, itemStatus);
            s.setString(7, body.callId());
            if (step == null) s.setNull(8, Types.INTEGER);
            else s.setInt(8, step);
            s.setString(9, ItemJson.body(body));
            s.setLong(10, now);
            s.setLong(11, now);
        });
        return item;
    }

    public void updateItem(Item item) {
        run("UPDATE agent_items SET status = ?, body = ?, updated_at = ? WHERE session_id = ? AND id = ?", s -> {
            s.setString(1, item.status());
            s.setString(2, ItemJson.body(item.body()));
            s.setLong(3, now);
            s.setString(4, sessionId);
            s.setString(5, item.id());
        });
    }

    /** The items of one turn, in order. */
    public List<Item> items(String turnId) {
        return ItemRows.ofTurn(c, sessionId, turnId);
    }

    // ---- approvals ----

    /**
     * Holds a call of {@code item} until a person decides (or, {@code automatic}, records it as
     * approved at once: it waits only for its answer's other calls).
     */
    public Approval holdForApproval(Item item, String callId, String modelsTool, String arguments, long expiresAt, boolean automatic) {
        String tool = StoredText.fit(modelsTool, 200); // a server label and a tool name, each bounded, may together be longer than the column
        Approval approval = new Approval(Ids.next(Approval.ID_PREFIX, now), sessionId, item.turnId(), item.id(), callId, tool, arguments,
                automatic ? Approval.APPROVED : Approval.PENDING, now, expiresAt, automatic ? Approval.AUTOMATIC : null, automatic ? now : null,
                null, false);
        run("INSERT INTO agent_approvals (id, session_id, turn_id, item_id, call_id, tool, status, requested_at, expires_at, decided_by, decided_at, "
                + "arguments) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", s -> {
            s.setString(1, approval.id());
            s.setString(2, sessionId);
            s.setString(3, approval.turnId());
            s.setString(4, approval.itemId());
            s.setString(5, callId);
            s.setString(6, tool);
            s.setString(7, approval.status());
            s.setLong(8, now);
            s.setLong(9, expiresAt);
            s.setString(10, approval.decidedBy());
            TurnRows.setLong(s, 11, approval.decidedAt());
            s.setString(12, arguments);
        });
        return approval;
    }

    /** The approvals of one turn, oldest first. */
    public List<Approval> approvals(String turnId) {
        return ApprovalRows.query(c, "session_id = ? AND turn_id = ?", s -> {
            s.setString(1, sessionId);
            s.setString(2, turnId);
        });
    }

    public Optional<Approval> approval(String approvalId) {
        return ApprovalRows.query(c, "session_id = ? AND id = ?", s -> {
            s.setString(1, sessionId);
            s.setString(2, approvalId);
        }).stream().findFirst();
    }

    /** Decides a pending approval; false when it was decided already. */
    public boolean decide(String approvalId, String status, String decidedBy, String reason) {
        return TurnRows.run(c, "UPDATE agent_approvals SET status = ?, decided_by = ?, decided_at = ?, reason = ? WHERE id = ? AND session_id = ? "
                + "AND status = 'pending'", s -> {
            s.setString(1, status);
            s.setString(2, decidedBy);
            s.setLong(3, now);
            s.setString(4, reason);
            s.setString(5, approvalId);
            s.setString(6, sessionId);
        }) == 1;
    }

    /** Marks approved calls as started: after a crash they are not started again. */
    public void approvalsUsed(String turnId, List<String> callIds) {
        for (String callId : callIds) {
            run("UPDATE agent_approvals SET used_at = ? WHERE turn_id = ? AND call_id = ? AND used_at IS NULL", s -> {
                s.setLong(1, now);
                s.setString(2, turnId);
                s.setString(3, callId);
            });
        }
    }

    /** Ends the turn's pending approvals: it closed without them. */
    public void cancelApprovals(String turnId) {
        run("UPDATE agent_approvals SET status = 'cancelled', decided_at = ? WHERE turn_id = ? AND status = 'pending'", s -> {
            s.setLong(1, now);
            s.setString(2, turnId);
        });
    }

    // ---- inbox ----

    /** The body hash of an earlier input posted with this idempotency key within the key's lifetime, if any. */
    public Optional<String> idempotent(String principalId, String key) {
        try (PreparedStatement s = c.prepareStatement("SELECT body_sha256 FROM agent_inbox WHERE session_id = ? AND principal_id = ? "
                + "AND idempotency_key = ?")) {
            s.setString(1, sessionId);
            s.setString(2, principalId);
            s.setString(3, key);
            return Rows.one(s, r -> r.getString(1));
        } catch (SQLException e) {
            throw TurnRows.failed(e);
        }
    }

    /**
     * Records an input post: {@code pending} messages wait for the open turn's runner to take them
     * in before its next model call; the rest is kept for its idempotency key only.
     */
    public void inbox(String principalId, String key, String bodyHash, String kind, String body, String turnId, boolean pending) {
        run("INSERT INTO agent_inbox (id, session_id, principal_id, idempotency_key, body_sha256, kind, body, received_at, turn_id, taken_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", s -> {
            s.setString(1, Ids.next("in_", now));
            s.setString(2, sessionId);
            s.setString(3, principalId);
            s.setString(4, key);
            s.setString(5, bodyHash);
            s.setString(6, kind);
            s.setString(7, body);
            s.setLong(8, now);
            s.setString(9, turnId);
            if (pending) s.setNull(10, Types.BIGINT);
            else s.setLong(10, now);
        });
    }

    /** Whether a message waits to steer the open turn. */
    public boolean hasPending() {
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM agent_inbox WHERE session_id = ? AND taken_at IS NULL LIMIT 1")) {
            s.setString(1, sessionId);
            return Rows.one(s, r -> true).isPresent();
        } catch (SQLException e) {
            throw TurnRows.failed(e);
        }
    }

    /** How many messages wait to steer the open turn. */
    public int pendingCount() {
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM agent_inbox WHERE session_id = ? AND taken_at IS NULL")) {
            s.setString(1, sessionId);
            return Rows.one(s, r -> r.getInt(1)).orElse(0);
        } catch (SQLException e) {
            throw TurnRows.failed(e);
        }
    }

    /** Takes the messages waiting to steer the open turn, oldest first. */
    public List<String> takePending() {
        List<String> texts = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, body FROM agent_inbox WHERE session_id = ? AND taken_at IS NULL "
                + "ORDER BY received_at, id")) {
            s.setString(1, sessionId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getString(1));
                    texts.add(r.getString(2));
                }
            }
        } catch (SQLException e) {
            throw TurnRows.failed(e);
        }
        for (String id : ids) {
            run("UPDATE agent_inbox SET taken_at = ? WHERE id = ?", s -> {
                s.setLong(1, now);
                s.setString(2, id);
            });
        }
        return texts;
    }

    /** Marks the session deleted, within this transaction (so no turn can open between the check and the deletion). */
    public void markDeleted() {
        run("UPDATE agent_sessions SET deleted_at = ? WHERE id = ?", s -> {
            s.setLong(1, now);
            s.setString(2, sessionId);
        });
    }

    // ---- attempts ----

    /** Records a model or tool call as started, before it leaves: a crash leaves it started, and the resuming runner knows. */
    public void attemptStarted(String turnId, int step, String kind, String callId, String requestId, String idempotencyKey) {
        run("INSERT INTO agent_attempts (turn_id, step, kind, call_id, attempt, request_id, idempotency_key, status, started_at) "
                + "SELECT ?, ?, ?, ?, COALESCE(MAX(attempt), 0) + 1, ?, ?, 'started', ? FROM agent_attempts "
                + "WHERE turn_id = ? AND step = ? AND kind = ? AND call_id = ?", s -> {
            s.setString(1, turnId);
            s.setInt(2, step);
            s.setString(3, kind);
            s.setString(4, callId);
            s.setString(5, requestId);
            s.setString(6, idempotencyKey);
            s.setLong(7, now);
            s.setString(8, turnId);
            s.setInt(9, step);
            s.setString(10, kind);
            s.setString(11, callId);
        });
    }

    /** Ends the call attempts of a turn still marked started ({@code status}: completed, failed, interrupted, cancelled). */
    public void attemptsEnded(String turnId, String kind, String callId, String status) {
        run("UPDATE agent_attempts SET status = ?, ended_at = ? WHERE turn_id = ? AND kind = ? AND call_id = ? AND status = 'started'", s -> {
            s.setString(1, status);
            s.setLong(2, now);
            s.setString(3, turnId);
            s.setString(4, kind);
            s.setString(5, callId);
        });
    }

    /** Ends the model attempts of a turn left started by a node that stopped, each with its {@code interrupted} ledger row. */
    public void modelCallsInterrupted(String turnId, InterruptedCalls bill) {
        bill.record(c, sessionId, turnId, now);
        attemptsEnded(turnId, "model", "", "interrupted");
    }

    /** Writes the session's sequence and status; called once, by the store, before the commit. */
    List<SessionEvent> finish() {
        run("UPDATE agent_sessions SET next_seq = ?, next_event_seq = ?, last_active_at = ?" + (statusChanged ? ", status = ?, error = ?" : "")
                + " WHERE id = ?", s -> {
            int i = 0;
            s.setLong(++i, nextSeq);
            s.setLong(++i, nextEventSeq);
            s.setLong(++i, now);
            if (statusChanged) {
                s.setString(++i, status);
                s.setString(++i, ItemJson.error(error));
            }
            s.setString(++i, sessionId);
        });
        return List.copyOf(events);
    }

    private List<Turn> query(String sql, TurnRows.Binder binder) {
        return TurnRows.query(c, sql, binder);
    }

    private void run(String sql, TurnRows.Binder binder) {
        TurnRows.run(c, sql, binder);
    }
}
