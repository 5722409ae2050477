package dev.quarry.agents.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.agents.service.EnvironmentRules;
import dev.quarry.agents.model.AgentSpec;
import dev.quarry.agents.model.EventPayload;
import dev.quarry.agents.model.Session;
import dev.quarry.agents.model.SessionDraft;
import dev.quarry.agents.model.Turn;
import dev.quarry.agents.service.AgentSessions;
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
 * A runner whose lease ran out and was taken by another node writes nothing more: its fenced
 * transaction is refused as a whole, while the new holder's goes through.
 */
class TurnFencingTest {
    private static final long LEASE = 3_000;
    private static final Acting ME = new AllowedCaller(new Principal("prn_me", "me", PrincipalKind.USER));

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aStaleRunnersWriteIsRefusedAndTheNewHoldersIsKept(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            TurnStore store = new TurnStore(db);
            Session session = new AgentSessions(new SessionStore(db), new AgentStore(db), store, null, null, EnvironmentRules.NONE_ALLOWED, Clock.systemUTC())
                    .create(ME, new SessionDraft(new AgentSpec(null, "quarry/echo", null), null, Map.of(), null, null), "test", (m, p, r) -> {}).session();
            long now = 1_000_000;
            Turn turn = store.inSession(session.id(), now, tx -> tx.newTurn(null, null)).result();

            TurnStore.Claim stale = store.claim("node-a", "boot-a", now, LEASE, 10).getFirst();
            assertThat(store.claim("node-b", "boot-b", now + 1, LEASE, 10)).as("a live lease is not taken").isEmpty();
            TurnStore.Claim taken = store.claim("node-b", "boot-b", now + LEASE + 1, LEASE, 10).getFirst();
            assertThat(taken.turnId()).isEqualTo(turn.id());
            assertThat(taken.fence()).isGreaterThan(stale.fence());
            long before = store.lastSeq(session.id());

            assertThatThrownBy(() -> store.inTurn(session.id(), turn.id(), stale.fence(), now + LEASE + 2, tx -> {
                tx.attemptStarted(turn.id(), 0, "model", "", "req_stale", null);
                return tx.event("agent.session.turn.in_progress", turn.id(), new EventPayload.TurnState(turn));
            })).isInstanceOf(TurnStore.LeaseLost.class);
            assertThat(store.lastSeq(session.id())).as("no event of the stale runner").isEqualTo(before);
            assertThat(store.attempts(turn.id(), 0)).as("no attempt of the stale runner").isEmpty();

            store.inTurn(session.id(), turn.id(), taken.fence(), now + LEASE + 3, tx -> {
                tx.attemptStarted(turn.id(), 0, "model", "", "req_holder", null);
                return tx.event("agent.session.turn.in_progress", turn.id(), new EventPayload.TurnState(turn));
            });
            assertThat(store.lastSeq(session.id())).isEqualTo(before + 1);
            assertThat(store.attempts(turn.id(), 0)).extracting(TurnStore.Attempt::requestId).containsExactly("req_holder");
        }
    }
}
