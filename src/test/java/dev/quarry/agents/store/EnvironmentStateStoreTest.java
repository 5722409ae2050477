package dev.quarry.agents.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.agents.model.AgentSpec;
import dev.quarry.agents.model.EnvironmentSpec;
import dev.quarry.agents.model.EnvironmentState;
import dev.quarry.agents.model.Ids;
import dev.quarry.agents.model.Session;
import dev.quarry.agents.model.TurnError;
import dev.quarry.store.Database;
import dev.quarry.testing.StoreTargets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An environment's state holds what its executor said (its version, why it failed): whatever an
 * executor sends, the state is written, on either store (PostgreSQL refuses NUL in text, and the
 * version's column is short).
 */
class EnvironmentStateStoreTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void whatAnExecutorSaysIsStoredFittedAndShownAsStored(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            SessionStore sessions = new SessionStore(db);
            TurnStore turns = new TurnStore(db);
            Session session = new Session(Ids.next(Ids.SESSION, 1_000), "me", null, null, "test", null, null, new AgentSpec(null, "quarry/echo", null),
                    Map.of(), Session.IDLE, null, 1_000, 1_000, null,
                    new EnvironmentSpec.QuarryLocal(false, EnvironmentSpec.LocalLimits.DEFAULT, List.of()));
            sessions.insert(session);
            EnvironmentState pending = sessions.environment(session.id()).orElseThrow();

            var committed = turns.inSession(session.id(), 2_000, tx -> {
                tx.environment(pending.with(EnvironmentState.DISCONNECTED, "9".repeat(500) + "\u0000",
                        new TurnError("executor_disconnected", "gone\u0000 " + "x".repeat(20_000))), null);
                return null;
            });

            EnvironmentState stored = sessions.environment(session.id()).orElseThrow();
            assertThat(stored.status()).isEqualTo(EnvironmentState.DISCONNECTED);
            assertThat(stored.executorVersion()).doesNotContain("\u0000").hasSizeLessThanOrEqualTo(64);
            assertThat(stored.error().message()).startsWith("gone\uFFFD ").doesNotContain("\u0000").hasSizeLessThan(8192);
            var event = committed.events().getFirst();
            assertThat(event.type()).isEqualTo("agent.session.environment.disconnected");
            assertThat(event.payload()).isEqualTo(new dev.quarry.agents.model.EventPayload.EnvironmentChange(stored));
        }
    }
}
