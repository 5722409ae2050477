package dev.quarry.agents.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.agents.model.AgentSpec;
import dev.quarry.agents.model.Approval;
import dev.quarry.agents.model.Input;
import dev.quarry.agents.model.Item;
import dev.quarry.agents.model.ItemBody;
import dev.quarry.agents.model.Session;
import dev.quarry.agents.model.SessionDraft;
import dev.quarry.agents.model.Turn;
import dev.quarry.agents.runtime.EventHub;
import dev.quarry.agents.runtime.TurnStates;
import dev.quarry.agents.store.AgentStore;
import dev.quarry.agents.store.SessionStore;
import dev.quarry.agents.store.TurnStore;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
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
 * A person's approval that comes after the call's expiry, before the expiry sweep has ended it,
 * does not let the call run: the time a person had to decide is over whether or not the sweep ran.
 */
class LateApprovalTest {
    private static final Acting ME = new AllowedCaller(new Principal("prn_me", "me", PrincipalKind.USER));

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void anApprovalPastItsExpiryIsRefusedAndStaysPendingForTheSweep(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            TurnStore store = new TurnStore(db);
            Clock clock = Clock.systemUTC();
            Session session = new AgentSessions(new SessionStore(db), new AgentStore(db), store, null, null, EnvironmentRules.NONE_ALLOWED, clock)
                    .create(ME, new SessionDraft(new AgentSpec(null, "quarry/echo", null), null, Map.of(), null, null), "test", (m, p, r) -> {}).session();
            long now = clock.millis();
            Turn turn = store.inSession(session.id(), now, tx -> TurnStates.open(tx, "hi", null, null)).result();
            Approval held = store.inSession(session.id(), now, tx -> {
                Item call = tx.addItem(turn.id(), Item.IN_PROGRESS, new ItemBody.CommandExecution("call_1", "rm -rf x", "/w", null, null, null, null), 0);
                return tx.holdForApproval(call, "call_1", "shell", "{\"command\":\"rm -rf x\"}", now - 1_000, false);
            }).result();

            SessionInputs inputs = new SessionInputs(store, new EventHub(store), null, clock);
            assertThatThrownBy(() -> inputs.post(session, List.of(new Input.ApprovalResult(held.id(), true, null)),
                    new SessionInputs.Sender("prn_me", null, null), null, "h"))
                    .isInstanceOfSatisfying(QuarryException.class, e -> {
                        assertThat(e.error().kind()).isEqualTo(ErrorKind.CONFLICT);
                        assertThat(e.getMessage()).contains("expired");
                    });
            assertThat(store.inSession(session.id(), clock.millis(), tx -> tx.approval(held.id()).orElseThrow().status()).result())
                    .isEqualTo(Approval.PENDING);
        }
    }
}
