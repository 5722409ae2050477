package dev.quarry.agents.runtime;

import dev.quarry.agents.model.Approval;
import dev.quarry.agents.model.SecretBox;
import dev.quarry.agents.model.Session;
import dev.quarry.agents.model.Turn;
import dev.quarry.agents.runtime.mcp.McpClients;
import dev.quarry.agents.store.SessionStore;
import dev.quarry.agents.store.TurnStore;
import dev.quarry.agents.vault.VaultKeys;
import dev.quarry.catalog.Catalog;
import dev.quarry.gateway.Gateway;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs this node's share of agent turns. Every second (and at once when an input here queued a
 * turn) it claims runnable turns: queued ones, ones whose lease ran out on a node that stopped,
 * and its own from before a restart; each runs on a virtual thread. It renews its leases, hands
 * cancels asked on other nodes to its runners, and polls the store for followed sessions.
 */
public final class AgentRuntime implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AgentRuntime.class.getName());
    static final Duration CLAIM_EVERY = Duration.ofSeconds(1);
    static final Duration CANCEL_POLL = Duration.ofMillis(250);
    static final Duration EVENT_POLL = Duration.ofMillis(200);
    /** How long an input's {@code Idempotency-Key} is honoured, and how often older ones are forgotten. */
    static final Duration KEY_LIFETIME = Duration.ofHours(24);
    static final Duration KEY_SWEEP_EVERY = Duration.ofMinutes(10);
    /** How often approvals left unanswered past their expiry are ended, which resumes their turns. */
    static final Duration APPROVAL_SWEEP_EVERY = Duration.ofSeconds(1);

    private final RuntimeParts parts;
    /** This process's start: a lease held by an earlier start of this node is free to take at once. */
    private final String boot = UUID.randomUUID().toString();
    private final Map<String, TurnControl> running = new ConcurrentHashMap<>();
    private final ExecutorService runners = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService ticks = Executors.newScheduledThreadPool(1, Thread.ofVirtual().name("agents-scheduler").factory());
    private final Object claiming = new Object();
    private final Coalesced kicks = new Coalesced(runners, guarded("claim", this::claim));

    public AgentRuntime(TurnStore store, SessionStore sessions, Gateway gateway, Catalog catalog, EventHub hub, McpClients mcp, SecretBox secrets,
                        VaultKeys vaults, EnvironmentConnector connector, RuntimeSettings settings, Clock clock) {
        this.parts = new RuntimeParts(store, sessions, gateway, catalog, hub, mcp, secrets, vaults, connector, settings, clock);
    }

    /** This process's start, which the leases and links this node takes carry. */
    public String boot() {
        return boot;
    }

    public void start() {
        ticks.scheduleWithFixedDelay(guarded("claim", this::claim), 0, CLAIM_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        long renewEvery = Math.max(100, parts.settings().lease().toMillis() / 3);
        ticks.scheduleWithFixedDelay(guarded("renew", this::renew), renewEvery, renewEvery, TimeUnit.MILLISECONDS);
        ticks.scheduleWithFixedDelay(guarded("cancel", this::cancelRemote), CANCEL_POLL.toMillis(), CANCEL_POLL.toMillis(), TimeUnit.MILLISECONDS);
        ticks.scheduleWithFixedDelay(guarded("follow", parts.hub()::poll), EVENT_POLL.toMillis(), EVENT_POLL.toMillis(), TimeUnit.MILLISECONDS);
        ticks.scheduleWithFixedDelay(guarded("keys", this::forgetOldKeys), 0, KEY_SWEEP_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        ticks.scheduleWithFixedDelay(guarded("approvals", this::expireApprovals), APPROVAL_SWEEP_EVERY.toMillis(), APPROVAL_SWEEP_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Claims runnable turns soon: an input here just queued one (a burst of inputs shares one claim). */
    public void kick() {
        kicks.request();
    }

    /** Stops a turn this node runs; false when it runs elsewhere (that node sees the request in the store). */
    public boolean cancelLocal(String turnId) {
        TurnControl control = running.get(turnId);
        if (control == null) return false;
        control.cancel();
        return true;
    }

    /** Ends the event streams followed on this node, so that a shutdown need not wait for clients that would follow forever. */
    public void closeStreams() {
        parts.hub().closeAll();
    }


    private void claim() {
        synchronized (claiming) {
            int free = parts.settings().maxRunningTurns() - running.size();
            List<TurnStore.Claim> claims = parts.store().claim(parts.settings().node(), boot, parts.clock().millis(),
                    parts.settings().lease().toMillis(), free);
            for (TurnStore.Claim claim : claims) {
                TurnControl control = new TurnControl();
                running.put(claim.turnId(), control);
                runners.execute(() -> run(claim, control));
            }
        }
    }

    private void run(TurnStore.Claim claim, TurnControl control) {
        try {
            Optional<Session> session = parts.sessions().find(claim.sessionId());
            Optional<Turn> turn = parts.store().turn(claim.sessionId(), claim.turnId());
            if (session.isEmpty() || turn.isEmpty() || !turn.get().open()) {
                parts.store().release(claim.turnId(), claim.fence());
                return;
            }
            new TurnRunner(parts, claim, control, session.get(), turn.get()).run();
        } catch (TurnStore.LeaseLost | TurnStore.SessionGone | TurnRunner.Abandoned e) {
            LOG.fine(() -> "turn " + claim.turnId() + " stopped here: " + e.getMessage());
        } catch (RuntimeException e) {
            if (control.abandoned()) return;
            TurnRunner.logFailure(claim.turnId(), e);
            failInside(claim, e);
        } finally {
            running.remove(claim.turnId());
        }
    }

    /** A bug or an outage stopped the runner: the turn fails, saying so, rather than hang; if even that cannot be written, its lease runs out and another runner tries. */
    private void failInside(TurnStore.Claim claim, RuntimeException cause) {
        try {
            var committed = parts.store().inTurn(claim.sessionId(), claim.turnId(), claim.fence(), parts.clock().millis(), tx -> {
                Turn turn = tx.turn(claim.turnId()).orElseThrow();
                return turn.open() ? TurnStates.failed(tx, turn, TurnErrors.internal(claim.turnId())) : turn;
            });
            parts.hub().publish(committed.events());
        } catch (RuntimeException again) {
            again.addSuppressed(cause);
            LOG.log(Level.WARNING, "could not record the failure of turn " + claim.turnId(), again);
        }
    }

    /** Every node sweeps; the statement is idempotent, so several at once cost only the repeat. */
    private void forgetOldKeys() {
        parts.store().forgetIdempotencyKeys(parts.clock().millis() - KEY_LIFETIME.toMillis());
    }

    /**
     * Ends approvals nobody answered in time: the call is refused as expired (the model reads
     * why) and the turn resumes. Every node sweeps; a decision is taken once, by whichever
     * transaction gets the pending row first.
     */
    private void expireApprovals() {
        long now = parts.clock().millis();
        boolean resumed = false;
        for (Approval approval : parts.store().expiredApprovals(now, 100)) {
            try {
                var committed = parts.store().inSession(approval.sessionId(), now, tx -> tx.decide(approval.id(), Approval.EXPIRED, null, null)
                        && tx.turn(approval.turnId()).map(turn -> TurnStates.resumeIfReady(tx, turn)).orElse(false));
                parts.hub().publish(committed.events());
                resumed |= committed.result();
            } catch (TurnStore.SessionGone e) {
                LOG.fine(() -> "approval " + approval.id() + " belongs to a deleted session");
            }
        }
        if (resumed) kick();
    }

    private void renew() {
        parts.store().renew(parts.settings().node(), boot, parts.clock().millis(), parts.settings().lease().toMillis());
    }

    private void cancelRemote() {
        if (running.isEmpty()) return;
        long now = parts.clock().millis();
        running.values().forEach(control -> control.timeOutIfPast(now));
        for (String turnId : parts.store().cancelRequested(parts.settings().node(), boot)) cancelLocal(turnId);
    }

    private static Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "agents " + what + " failed; trying again at the next tick", e);
            }
        };
    }

    @Override
    public void close() {
        ticks.shutdownNow();
        running.values().forEach(TurnControl::abandon);
        runners.shutdownNow();
        parts.mcp().close();
    }
}
