package dev.quarry.agents.service;

import dev.quarry.agents.model.AgentDraft;
import dev.quarry.agents.model.AgentSpec;
import dev.quarry.agents.model.Ids;
import dev.quarry.agents.model.ListQuery;
import dev.quarry.agents.model.Page;
import dev.quarry.agents.model.SavedAgent;
import dev.quarry.agents.store.AgentStore;
import dev.quarry.agents.store.Visible;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.identity.Acting;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** Saved agents, their owner's only: each update is a new version; sessions keep the version they were created from. */
public final class SavedAgents {
    private static final int UPDATE_ATTEMPTS = 5;

    private final AgentStore agents;
    private final Clock clock;

    public SavedAgents(AgentStore agents, Clock clock) {
        this.agents = agents;
        this.clock = clock;
    }

    public SavedAgent create(Acting caller, AgentDraft draft, ModelGate models) {
        if (draft.model() == null) throw QuarryException.invalid("model", "Missing required parameter: 'model'.");
        models.require(draft.model(), "model", Owned.owner(caller));
        long now = clock.millis();
        return agents.create(Ids.next(Ids.AGENT, now), Owned.owner(caller), new AgentSpec(draft.name(), draft.model(), draft.instructions(), draft.tools(), Boolean.TRUE.equals(draft.compaction())),
                draft.metadata() == null ? Map.of() : draft.metadata(), now);
    }

    public SavedAgent get(Acting caller, String id) {
        return agents.find(id).filter(a -> Owned.by(caller, a.ownerId())).orElseThrow(() -> Owned.missing("agent", id, "agent_id"));
    }

    /** The caller's saved agents that {@code visible} admits (a Deny of reading one hides it), in full pages. */
    public Page<SavedAgent> list(Acting caller, ListQuery query, Predicate<SavedAgent> visible) {
        return Visible.page(query, q -> agents.list(Owned.owner(caller), q), visible, SavedAgent::id);
    }

    /**
     * Writes the agent's next version: the fields given replace those of the latest version. A change
     * that changes nothing writes no version, so a version number always marks a different agent.
     */
    public SavedAgent update(Acting caller, String id, AgentDraft change, ModelGate models) {
        if (change.model() != null) models.require(change.model(), "model", Owned.owner(caller));
        for (int i = 0; i < UPDATE_ATTEMPTS; i++) {
            SavedAgent latest = get(caller, id);
            AgentSpec spec = latest.spec();
            spec = new AgentSpec(change.name() != null ? change.name() : spec.name(), change.model() != null ? change.model() : spec.model(),
                    change.instructions() != null ? change.instructions() : spec.instructions(), change.tools() != null ? change.tools() : spec.tools(),
                    change.compaction() != null ? change.compaction() : spec.compaction());
            Map<String, String> metadata = change.metadata() != null ? change.metadata() : latest.metadata();
            if (spec.equals(latest.spec()) && metadata.equals(latest.metadata())) return latest;
            Optional<SavedAgent> written = agents.addVersion(latest, spec, metadata, clock.millis());
            if (written.isPresent()) return written.get();
        }
        throw QuarryException.of(ErrorKind.RATE_LIMITED, "The agent '" + id + "' is being updated concurrently; try again.");
    }

    public void delete(Acting caller, String id) {
        get(caller, id);
        if (!agents.delete(id, clock.millis())) throw Owned.missing("agent", id, "agent_id");
    }
}
