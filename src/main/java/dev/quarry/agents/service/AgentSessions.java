package dev.quarry.agents.service;

import dev.quarry.agents.model.AgentSpec;
import dev.quarry.agents.model.EnvironmentCredential;
import dev.quarry.agents.model.EnvironmentSpec;
import dev.quarry.agents.model.Ids;
import dev.quarry.agents.model.Item;
import dev.quarry.agents.model.ListQuery;
import dev.quarry.agents.model.Page;
import dev.quarry.agents.model.SavedAgent;
import dev.quarry.agents.model.SecretBox;
import dev.quarry.agents.model.Session;
import dev.quarry.agents.model.SessionChange;
import dev.quarry.agents.model.SessionDraft;
import dev.quarry.agents.model.SessionView;
import dev.quarry.agents.model.Turn;
import dev.quarry.agents.store.AgentStore;
import dev.quarry.agents.store.EnvironmentJson;
import dev.quarry.agents.store.SessionStore;
import dev.quarry.agents.store.ToolJson;
import dev.quarry.agents.store.TurnStore;
import dev.quarry.agents.store.Visible;
import dev.quarry.agents.vault.Vaults;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.identity.Acting;
import dev.quarry.policy.Actions;
import java.time.Clock;
import java.util.List;
import java.util.function.Predicate;

/**
 * Agent sessions as the API sees them: created from an inline agent or a saved one (pinned to its
 * latest version), read, listed, updated (model, metadata) and deleted by their owner only.
 */
public final class AgentSessions {
    private static final int UPDATE_ATTEMPTS = 5;

    private final SessionStore sessions;
    private final AgentStore agents;
    private final TurnStore turns;
    private final SecretBox secrets;
    private final Vaults vaults;
    private final EnvironmentRules environments;
    private final Clock clock;

    public AgentSessions(SessionStore sessions, AgentStore agents, TurnStore turns, SecretBox secrets, Vaults vaults, EnvironmentRules environments,
                         Clock clock) {
        this.sessions = sessions;
        this.agents = agents;
        this.turns = turns;
        this.secrets = secrets;
        this.vaults = vaults;
        this.environments = environments;
        this.clock = clock;
    }

    /**
     * Creates a session. From a saved agent, the caller must own it (else 404) and be allowed
     * {@code quarry:ReadAgent} on {@code agent/ID} (else 403); the agent's model passes the gate as an inline one does.
     */
    public Created create(Acting caller, SessionDraft draft, String surface, ModelGate models) {
        return create(caller, new RunAs(Owned.owner(caller), caller.caller().onBehalfOfId(), null), draft, surface, models);
    }

    /**
     * Whom a session runs as: its owner, for whom (a role's assumer, {@code null} for a principal
     * acting for itself), and the {@code role_arn} that named the role, if one did.
     */
    record RunAs(String ownerId, String onBehalfOf, String roleArn) {}

    /**
     * A session just created and, when its executor dials out to Quarry, the credential it signs
     * with: shown in the creation's answer only (the store keeps it sealed), else {@code null}.
     */
    public record Created(Session session, EnvironmentCredential credential) {}

    Created create(Acting caller, RunAs runAs, SessionDraft draft, String surface, ModelGate models) {
        AgentSpec spec;
        String agentId = null;
        Integer version = null;
        if (draft.agentId() != null) {
            SavedAgent saved = agents.find(draft.agentId()).filter(a -> Owned.by(caller, a.ownerId()))
                    .orElseThrow(() -> Owned.missing("agent", draft.agentId(), "agent_id"));
            caller.alsoMay(Actions.READ_AGENT, "agent/" + saved.id());
            models.require(saved.spec().model(), "agent_id", runAs.ownerId());
            spec = saved.spec();
            agentId = saved.id();
            version = saved.version();
        } else {
            spec = draft.agent();
            models.require(spec.model(), "agent.model", runAs.ownerId());
        }
        environments.check(draft.environment(), spec);
        if (!draft.vaultIds().isEmpty()) vaults.requireAttachable(runAs.ownerId(), draft.vaultIds());
        long now = clock.millis();
        String id = Ids.next(Ids.SESSION, now);
        spec = spec.withTools(ToolJson.seal(spec.tools(), secrets, id));
        Session session = new Session(id, runAs.ownerId(), runAs.onBehalfOf(), runAs.roleArn(), surface, agentId, version,
                spec, draft.metadata(), Session.IDLE, null, now, now, draft.spendLimitMicros(), EnvironmentJson.seal(draft.environment(), secrets, id));
        String environmentId = Ids.next(Ids.ENVIRONMENT, now);
        DialOutGate.Minted minted = draft.environment() instanceof EnvironmentSpec.SelfHosted hosted
                && hosted.connect() instanceof EnvironmentSpec.Connect.DialOut ? DialOutGate.mint(environmentId, secrets) : null;
        sessions.insert(session, environmentId, minted == null ? null : minted.stored());
        if (!draft.vaultIds().isEmpty()) vaults.attach(id, draft.vaultIds());
        return new Created(session, minted == null ? null : minted.credential());
    }

    public Session get(Acting caller, String id) {
        return sessions.find(id).filter(s -> Owned.sees(caller, s)).orElseThrow(() -> Owned.missing("session", id, "session_id"));
    }

    /** The sessions the caller sees ({@link Owned#sees}) that {@code visible} admits (a Deny of reading one hides it), in full pages. */
    public Page<Session> list(Acting caller, ListQuery query, Predicate<Session> visible) {
        return Visible.page(query, q -> sessions.list(Owned.owner(caller), caller.caller().onBehalfOfId(), q),
                visible.and(s -> Owned.sees(caller, s)), Session::id);
    }

    /**
     * Changes the model later turns use and/or replaces the metadata. The change is applied to the
     * session as it is when written: one written meanwhile by another update is read again, not undone.
     */
    public Session update(Acting caller, String id, SessionChange change, ModelGate models) {
        Session session = get(caller, id);
        if (change.model() != null) models.require(change.model(), "agent.model", session.ownerId());
        for (int i = 0; i < UPDATE_ATTEMPTS; i++) {
            if (i > 0) session = get(caller, id);
            AgentSpec spec = change.model() != null ? session.spec().withModel(change.model()) : session.spec();
            Session changed = session.withChange(spec, change.metadata() == null ? session.metadata() : change.metadata(),
                    change.spendLimitMicros() == null ? session.spendLimitMicros() : change.spendLimitMicros(), clock.millis());
            if (sessions.update(session, changed)) return changed;
        }
        throw QuarryException.of(ErrorKind.RATE_LIMITED, "The session '" + id + "' is being updated concurrently; try again.");
    }

    /** The session as the API shows it: with its required actions, usage, when capped what it spent, and its vaults. */
    public SessionView view(Session session) {
        return new SessionView(session, turns.pendingCalls(session.id()), turns.sessionUsage(session.id()),
                session.spendLimitMicros() == null ? 0 : turns.sessionSpend(session.id()), vaults.sessionVaults(session.id()),
                session.environment() instanceof EnvironmentSpec.None ? null : sessions.environment(session.id()).orElse(null),
                session.status().equals(Session.REQUIRES_ACTION) ? turns.pendingApprovals(session.id()) : List.of());
    }

    /** Deletes a session in which no turn is open (409 otherwise: cancel it first, or wait for it to end). */
    public void delete(Acting caller, String id) {
        get(caller, id);
        try {
            turns.inSession(id, clock.millis(), tx -> {
                tx.openTurn().ifPresent(open -> {
                    throw new QuarryException(new QuarryError(ErrorKind.CONFLICT, "The session '" + id + "' has a turn " + open.status()
                            + " (" + open.id() + "): cancel it with an 'agent.session.input.cancel' event, or wait for it to end, before deleting the session.",
                            "session_id", null));
                });
                tx.markDeleted();
                return null;
            });
        } catch (TurnStore.SessionGone e) {
            throw Owned.missing("session", id, "session_id");
        }
    }

    public Page<Item> items(Acting caller, String id, String turnId, ListQuery query) {
        Session session = get(caller, id);
        if (turnId != null) turn(caller, session.id(), turnId);
        return turns.items(session.id(), turnId, query);
    }

    public Page<Turn> turns(Acting caller, String id, ListQuery query) {
        return turns.turns(get(caller, id).id(), query);
    }

    public Turn turn(Acting caller, String id, String turnId) {
        Session session = get(caller, id);
        if (!Ids.wellFormed(turnId)) throw Owned.missing("turn", turnId, "turn_id");
        return turns.turn(session.id(), turnId).orElseThrow(() -> Owned.missing("turn", turnId, "turn_id"));
    }
}
