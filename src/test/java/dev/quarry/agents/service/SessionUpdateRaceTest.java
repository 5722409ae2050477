package dev.quarry.agents.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.agents.service.EnvironmentRules;
import dev.quarry.agents.model.AgentSpec;
import dev.quarry.agents.model.Session;
import dev.quarry.agents.model.SessionChange;
import dev.quarry.agents.model.SessionDraft;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two updates of one session at once, one changing its model and one its metadata: both changes
 * are kept. Before, each wrote the whole row it had read, and the later write undid the other.
 */
class SessionUpdateRaceTest {
    private static final Acting ME = new AllowedCaller(new Principal("prn_me", "me", PrincipalKind.USER));

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aModelChangeAndAMetadataChangeAtOnceAreBothKept(String target) throws Exception {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            AgentSessions sessions = new AgentSessions(new SessionStore(db), new AgentStore(db), new TurnStore(db), null, null, EnvironmentRules.NONE_ALLOWED, Clock.systemUTC());
            Session session = sessions.create(ME, new SessionDraft(new AgentSpec(null, "model-a", null), null, Map.of(), null, null), "test", (m, p, r) -> {}).session();
            CountDownLatch read = new CountDownLatch(1);
            CountDownLatch written = new CountDownLatch(1);
            // The model change has read the session and is checking its model when the metadata change lands.
            CompletableFuture<Session> modelChange = CompletableFuture.supplyAsync(() -> sessions.update(ME, session.id(),
                    new SessionChange("model-b", null, null), (m, p, r) -> {
                        read.countDown();
                        try {
                            written.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }));
            assertThat(read.await(10, TimeUnit.SECONDS)).isTrue();
            sessions.update(ME, session.id(), new SessionChange(null, Map.of("k", "v"), null), (m, p, r) -> {});
            written.countDown();
            Session answered = modelChange.get(10, TimeUnit.SECONDS);

            Session stored = sessions.get(ME, session.id());
            assertThat(stored.spec().model()).isEqualTo("model-b");
            assertThat(stored.metadata()).containsEntry("k", "v");
            assertThat(answered.metadata()).containsEntry("k", "v");
        }
    }
}
