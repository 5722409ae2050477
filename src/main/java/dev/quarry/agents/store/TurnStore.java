package dev.quarry.agents.store;

import dev.quarry.agents.model.Approval;
import dev.quarry.agents.model.Item;
import dev.quarry.agents.model.ListQuery;
import dev.quarry.agents.model.Page;
import dev.quarry.agents.model.SessionEvent;
import dev.quarry.agents.model.Turn;
import dev.quarry.agents.model.TurnUsage;
import dev.quarry.store.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns, items and events of sessions. Every change goes through {@link #inSession} (the API's
 * inputs) or {@link #inTurn} (a turn's runner, fenced by its lease), one transaction each, whose
 * events are handed back only once committed.
 */
public final class TurnStore {
    private final Database db;

    public TurnStore(Database db) {
        this.db = db;
    }

    /** What a transaction returned, and the events it committed, in order. */
    public record Committed<T>(T result, List<SessionEvent> events) {}

    /** The session was deleted (or never existed): nothing was written. */
    public static final class SessionGone extends RuntimeException {
        SessionGone(String sessionId) {
            super("session " + sessionId + " is gone", null, false, false);
        }
    }

    /** The turn's lease is no longer the caller's: another node took it over, or the API closed the turn (a cancel); nothing was written. */
    public static final class LeaseLost extends RuntimeException {
        LeaseLost(String turnId) {
            super("the lease of turn " + turnId + " was taken over", null, false, false);
        }
    }

    /** Runs {@code work} on session {@code sessionId}, holding its lock. @throws SessionGone when it is deleted */
    public <T> Committed<T> inSession(String sessionId, long now, Function<SessionTx, T> work) {
        return db.transaction(c -> {
            SessionTx tx = lock(c, sessionId, now);
            T result = work.apply(tx);
            return new Committed<>(result, tx.finish());
        });
    }

    /**
     * As {@link #inSession}, for the runner of {@code turnId} holding lease {@code fence}.
     *
     * @throws LeaseLost when the turn was claimed by another runner since, or closed meanwhile (a
     *                   queued turn is cancelled by the API itself, perhaps just after a runner claimed it)
     */
    public <T> Committed<T> inTurn(String sessionId, String turnId, long fence, long now, Function<SessionTx, T> work) {
        return db.transaction(c -> {
            SessionTx tx = lock(c, sessionId, now);
            int held = TurnRows.run(c, "UPDATE agent_turns SET fence = fence WHERE id = ? AND fence = ? "
                    + "AND status IN ('queued', 'in_progress')", s -> {
                s.setString(1, turnId);
                s.setLong(2, fence);
            });
            if (held != 1) throw new LeaseLost(turnId);
            T result = work.apply(tx);
            return new Committed<>(result, tx.finish());
        });
    }

    private static SessionTx lock(Connection c, String sessionId, long now) throws SQLException {
        // The write comes first: it takes the session's row lock (and SQLite's write lock) before anything is read.
        int locked = TurnRows.run(c, "UPDATE agent_sessions SET last_active_at = last_active_at WHERE id = ? AND deleted_at IS NULL",
                s -> s.setString(1, sessionId));
        if (locked != 1) throw new SessionGone(sessionId);
        try (PreparedStatement s = c.prepareStatement("SELECT next_seq, next_event_seq, status FROM agent_sessions WHERE id = ?")) {
            s.setString(1, sessionId);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return new SessionTx(c, sessionId, now, r.getLong(1), r.getLong(2), r.getString(3));
            }
        }
    }

    // ---- leases ----

    /** A turn claimed by this node: run it, writing with {@code fence}. */
    public record Claim(String turnId, String sessionId, long fence, boolean resumed) {}

    /**
     * Claims up to {@code max} runnable turns: queued ones, ones whose lease ran out, and this
     * node's own from before a restart ({@code boot} differs); but not those of a session whose
     * executor dialed out to another node that still holds its socket. Each claim bumps the turn's
     * fence, so a runner that lost its lease can write nothing more.
     */
    public List<Claim> claim(String node, String boot, long now, long leaseMillis, int max) {
        if (max <= 0) return List.of();
        String skipLocked = db.isPostgres() ? " FOR UPDATE SKIP LOCKED" : "";
        return db.transaction(c -> {
            List<Claim> candidates = new ArrayList<>();
            // A session whose executor dialed out to another node, which holds its socket (its link is renewed), runs there only.
            try (PreparedStatement s = c.prepareStatement("SELECT t.id, t.session_id, t.fence, t.started_at FROM agent_turns t "
                    + "WHERE t.status IN ('queued', 'in_progress') AND (t.lease_until IS NULL OR t.lease_until < ? "
                    + "OR (t.lease_owner = ? AND t.lease_boot <> ?)) AND NOT EXISTS (SELECT 1 FROM agent_environments e "
                    + "WHERE e.session_id = t.session_id AND e.link_until >= ? AND NOT (e.link_node = ? AND e.link_boot = ?)) "
                    + "ORDER BY t.created_at LIMIT ?" + skipLocked)) {
                s.setLong(1, now);
                s.setString(2, node);
                s.setString(3, boot);
                s.setLong(4, now);
                s.setString(5, node);
                s.setString(6, boot);
                s.setInt(7, max);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        r.getLong(4);
                        candidates.add(new Claim(r.getString(1), r.getString(2), r.getLong(3), !r.wasNull()));
                    }
                }
            }
            List<Claim> won = new ArrayList<>();
            for (Claim candidate : candidates) {
                int updated = TurnRows.run(c, "UPDATE agent_turns SET lease_owner = ?, lease_boot = ?, lease_until = ?, fence = fence + 1 "
                        + "WHERE id = ? AND fence = ?", s -> {
                    s.setString(1, node);
                    s.setString(2, boot);
                    s.setLong(3, now + leaseMillis);
                    s.setString(4, candidate.turnId());
                    s.setLong(5, candidate.fence());
                });
                if (updated == 1) won.add(new Claim(candidate.turnId(), candidate.sessionId(), candidate.fence() + 1, candidate.resumed()));
            }
            return won;
        });
    }

    /**
     * Extends the leases of every turn this node runs, and its links to the environments whose
     * executors' sockets it holds ({@link DialOutStore#link}); returns how many turns.
     */
    public int renew(String node, String boot, long now, long leaseMillis) {
        return db.transaction(c -> {
            TurnRows.run(c, "UPDATE agent_environments SET link_until = ? WHERE link_node = ? AND link_boot = ?", s -> {
                s.setLong(1, now + leaseMillis);
                s.setString(2, node);
                s.setString(3, boot);
            });
            return TurnRows.run(c, "UPDATE agent_turns SET lease_until = ? WHERE lease_owner = ? AND lease_boot = ? "
                    + "AND status IN ('queued', 'in_progress')", s -> {
                s.setLong(1, now + leaseMillis);
                s.setString(2, node);
                s.setString(3, boot);
            });
        });
    }

    /** Gives up a turn's lease (it waits for function results, or ended), so no node claims it until it is queued again. */
    public void release(String turnId, long fence) {
        db.transaction(c -> TurnRows.run(c, "UPDATE agent_turns SET lease_owner = NULL, lease_boot = NULL, lease_until = NULL "
                + "WHERE id = ? AND fence = ?", s -> {
            s.setString(1, turnId);
            s.setLong(2, fence);
        }));
    }

    /** The turns this node runs whose cancel was asked for, by whichever node took the request. */
    public List<String> cancelRequested(String node, String boot) {
        return db.read(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM agent_turns WHERE lease_owner = ? AND lease_boot = ? "
                    + "AND status IN ('queued', 'in_progress') AND cancel_requested_at IS NOT NULL")) {
                s.setString(1, node);
                s.setString(2, boot);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) ids.add(r.getString(1));
                }
            }
            return ids;
        });
    }

    public boolean cancelRequested(String turnId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT cancel_requested_at FROM agent_turns WHERE id = ?")) {
                s.setString(1, turnId);
                return Rows.one(s, r -> {
                    r.getLong(1);
                    return !r.wasNull();
                }).orElse(false);
            }
        });
    }

    /**
     * Forgets the idempotency keys of inputs received before {@code cutoff}: a key is honoured for
     * a while (the API's 24 hours), then may be used again. Returns how many were forgotten.
     */
    public int forgetIdempotencyKeys(long cutoff) {
        return db.transaction(c -> TurnRows.run(c, "UPDATE agent_inbox SET idempotency_key = NULL WHERE idempotency_key IS NOT NULL "
                + "AND received_at < ?", s -> s.setLong(1, cutoff)));
    }

    // ---- attempts ----

    /** A model or tool call of a turn's step: recorded {@code started} before it leaves, and ended after. */
    public record Attempt(String turnId, int step, String kind, String callId, int attempt, String requestId, String idempotencyKey,
                          String status) {}

    public List<Attempt> attempts(String turnId, int step) {
        return db.read(c -> {
            List<Attempt> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT kind, call_id, attempt, request_id, idempotency_key, status FROM agent_attempts "
                    + "WHERE turn_id = ? AND step = ? ORDER BY attempt")) {
                s.setString(1, turnId);
                s.setInt(2, step);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(new Attempt(turnId, step, r.getString(1), r.getString(2), r.getInt(3), r.getString(4), r.getString(5),
                                r.getString(6)));
                    }
                }
            }
            return out;
        });
    }

    // ---- reads ----

    public Optional<Turn> turn(String sessionId, String turnId) {
        return db.read(c -> TurnRows.query(c, "SELECT " + TurnRows.COLUMNS + " FROM agent_turns WHERE id = ? AND session_id = ?", s -> {
            s.setString(1, turnId);
            s.setString(2, sessionId);
        }).stream().findFirst());
    }

    /** The client address of the request that opened the turn ({@code null} when none was known): its calls are authorized as from there. */
    public String sourceIp(String turnId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT source_ip FROM agent_turns WHERE id = ?")) {
                s.setString(1, turnId);
                return Rows.one(s, r -> r.getString(1)).orElse(null);
            }
        });
    }

    public Page<Turn> turns(String sessionId, ListQuery query) {
        return db.read(c -> {
            List<Turn> rows = TurnRows.query(c, "SELECT " + TurnRows.COLUMNS + " FROM agent_turns WHERE session_id = ?"
                    + Paging.tail("id", query), s -> {
                s.setString(1, sessionId);
                Paging.bind(s, 1, query);
            });
            return Paging.page(rows, query);
        });
    }

    /** A session's items (or one turn's), in sequence order; the cursor is an item id. */
    public Page<Item> items(String sessionId, String turnId, ListQuery query) {
        return db.read(c -> {
            String turn = turnId == null ? "" : " AND turn_id = ?";
            String cursor = query.after() == null ? ""
                    : " AND seq " + (query.ascending() ? ">" : "<") + " (SELECT seq FROM agent_items WHERE session_id = ? AND id = ?)";
            List<Item> rows = ItemRows.select(c, "SELECT " + ItemRows.COLUMNS + " FROM agent_items WHERE session_id = ?" + turn + cursor
                    + " ORDER BY seq " + (query.ascending() ? "ASC" : "DESC") + " LIMIT ?", s -> {
                int i = 0;
                s.setString(++i, sessionId);
                if (turnId != null) s.setString(++i, turnId);
                if (query.after() != null) {
                    s.setString(++i, sessionId);
                    s.setString(++i, query.after());
                }
                s.setInt(++i, query.limit() + 1);
            });
            return Paging.page(rows, query);
        });
    }

    /** Every item of a session, in order: the conversation a model call is built from. */
    public List<Item> history(String sessionId) {
        return db.read(c -> ItemRows.select(c, "SELECT " + ItemRows.COLUMNS + " FROM agent_items WHERE session_id = ? ORDER BY seq",
                s -> s.setString(1, sessionId)));
    }

    /** Committed events after {@code seq}, at most {@code limit}, in order. */
    public List<SessionEvent> eventsAfter(String sessionId, long seq, int limit) {
        return db.read(c -> {
            List<SessionEvent> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT seq, type, turn_id, body, created_at FROM agent_events "
                    + "WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?")) {
                s.setString(1, sessionId);
                s.setLong(2, seq);
                s.setInt(3, limit);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        long at = r.getLong(1);
                        out.add(new SessionEvent(sessionId, at, 0, r.getString(2), r.getString(3),
                                ItemJson.payload(r.getString(4), r.getString(3), at, r.getLong(5)), r.getLong(5)));
                    }
                }
            }
            return out;
        });
    }

    /** The session's last committed event's number ({@code -1} before any event). */
    public long lastSeq(String sessionId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT next_event_seq FROM agent_sessions WHERE id = ?")) {
                s.setString(1, sessionId);
                return Rows.one(s, r -> r.getLong(1) - 1).orElse(-1L);
            }
        });
    }

    /** Sessions asked about in one query by {@link #lastSeqs}. */
    public static final int SEQ_BATCH = 500;

    /** The last committed event's number of each of {@code sessionIds} that exists. */
    public Map<String, Long> lastSeqs(Collection<String> sessionIds) {
        List<String> ids = List.copyOf(sessionIds);
        Map<String, Long> out = new HashMap<>();
        for (int from = 0; from < ids.size(); from += SEQ_BATCH) {
            List<String> batch = ids.subList(from, Math.min(ids.size(), from + SEQ_BATCH));
            db.read(c -> {
                try (PreparedStatement s = c.prepareStatement("SELECT id, next_event_seq FROM agent_sessions WHERE id IN ("
                        + String.join(", ", Collections.nCopies(batch.size(), "?")) + ")")) {
                    for (int i = 0; i < batch.size(); i++) s.setString(i + 1, batch.get(i));
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) out.put(r.getString(1), r.getLong(2) - 1);
                    }
                }
                return null;
            });
        }
        return out;
    }

    /** The usage of every turn of a session, summed. */
    public TurnUsage sessionUsage(String sessionId) {
        return db.read(c -> TurnRows.query(c, "SELECT " + TurnRows.COLUMNS + " FROM agent_turns WHERE session_id = ?", s -> s.setString(1, sessionId))
                .stream().map(Turn::usage).reduce(TurnUsage.NONE, TurnUsage::plus));
    }

    /** What the session's model calls cost, in micro-dollars, as the ledger has it (rows are written in batches, so a moment late). */
    public long sessionSpend(String sessionId) {
        return db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT COALESCE(SUM(cost_micros), 0) FROM usage_ledger WHERE session_id = ?")) {
                s.setString(1, sessionId);
                return Rows.one(s, r -> r.getLong(1)).orElse(0L);
            }
        });
    }

    /** Function calls of the session's waiting turn that have no result yet: its required actions. */
    public List<Item> pendingCalls(String sessionId) {
        return db.read(c -> ItemRows.select(c, "SELECT " + ItemRows.COLUMNS + " FROM agent_items i WHERE session_id = ? AND type = 'function_call' "
                + "AND turn_id IN (SELECT id FROM agent_turns WHERE session_id = ? AND status = 'waiting') "
                + "AND NOT EXISTS (SELECT 1 FROM agent_items o WHERE o.session_id = i.session_id AND o.turn_id = i.turn_id "
                + "AND o.call_id = i.call_id "
                + "AND o.type = 'function_call_output') ORDER BY seq", s -> {
            s.setString(1, sessionId);
            s.setString(2, sessionId);
        }));
    }

    /** The session's approvals waiting for a person: part of its required actions. */
    public List<Approval> pendingApprovals(String sessionId) {
        return db.read(c -> ApprovalRows.query(c, "session_id = ? AND status = 'pending'", s -> s.setString(1, sessionId)));
    }

    /** Approvals still pending after {@code now}, at most {@code limit}: the janitor ends them as expired. */
    public List<Approval> expiredApprovals(long now, int limit) {
        return db.read(c -> ApprovalRows.query(c, "status = 'pending' AND expires_at <= ?", s -> s.setLong(1, now)).stream().limit(limit).toList());
    }
}
