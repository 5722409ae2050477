package dev.quarry.agents.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.agents.service.EnvironmentRules;
import dev.quarry.agents.model.AgentSpec;
import dev.quarry.agents.model.Input;
import dev.quarry.agents.model.Session;
import dev.quarry.agents.model.SessionDraft;
import dev.quarry.agents.model.Turn;
import dev.quarry.agents.runtime.EventHub;
import dev.quarry.agents.runtime.TurnStates;
import dev.quarry.agents.store.AgentStore;
import dev.quarry.agents.store.SessionStore;
import dev.quarry.agents.store.TurnStore;
import dev.quarry.identity.Acting;
import dev.quarry.identity.Principal;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.store.Database;
import dev.quarry.testing.AllowedCaller;
import dev.quarry.testing.StoreTargets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A queued turn cancelled just after a runner claimed it (before the runner's first write) stays
 * cancelled: the runner, holding the turn as it read it, must not write it back to in progress
 * and run it.
 */
class CancelClaimRaceTest {
    private static final Acting ME = new AllowedCaller(new Principal("prn_me", "me", PrincipalKind.USER));

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aTurnCancelledWhileQueuedIsNotStartedByTheRunnerThatClaimedIt(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            TurnStore store = new TurnStore(db);
            Clock clock = Clock.systemUTC();
            Session session = new AgentSessions(new SessionStore(db), new AgentStore(db), store, null, null, EnvironmentRules.NONE_ALLOWED, clock)
                    .create(ME, new SessionDraft(new AgentSpec(null, "quarry/echo", null), null, Map.of(), null, null), "test", (m, p, r) -> {}).session();
            long now = clock.millis();
            Turn queued = store.inSession(session.id(), now, tx -> TurnStates.open(tx, "hi", null, null)).result();
            TurnStore.Claim claim = store.claim("node-a", "boot-a", now, 30_000, 10).getFirst();
            Turn asRead = store.turn(session.id(), claim.turnId()).orElseThrow();

            new SessionInputs(store, new EventHub(store), null, clock)
                    .post(session, List.of(new Input.Cancel()), new SessionInputs.Sender("prn_me", null, null), null, "h");

            assertThatThrownBy(() -> store.inTurn(session.id(), queued.id(), claim.fence(), clock.millis(), tx -> TurnStates.started(tx, asRead)))
                    .isInstanceOf(TurnStore.LeaseLost.class);
            assertThat(store.turn(session.id(), queued.id()).orElseThrow().status()).isEqualTo(Turn.CANCELLED);
        }
    }
}
