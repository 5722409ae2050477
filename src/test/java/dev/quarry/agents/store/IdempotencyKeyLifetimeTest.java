package dev.quarry.agents.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.agents.service.EnvironmentRules;
import dev.quarry.agents.model.AgentSpec;
import dev.quarry.agents.model.Session;
import dev.quarry.agents.model.SessionDraft;
import dev.quarry.agents.service.AgentSessions;
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

/** An input's Idempotency-Key is remembered for its lifetime, then forgotten, so the key can be used again. */
class IdempotencyKeyLifetimeTest {
    /** Body hashes are SHA-256 in hex: 64 characters, as the column holds them. */
    private static final String HASH_A = "a".repeat(64);
    private static final String HASH_B = "b".repeat(64);
    private static final String HASH_C = "c".repeat(64);

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aKeyIsForgottenOnlyOnceItIsOlderThanTheCutoff(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            TurnStore store = new TurnStore(db);
            Session session = new AgentSessions(new SessionStore(db), new AgentStore(db), store, null, null, EnvironmentRules.NONE_ALLOWED, Clock.systemUTC())
                    .create(new AllowedCaller(new Principal("prn_me", "me", PrincipalKind.USER)),
                            new SessionDraft(new AgentSpec(null, "quarry/echo", null), null, Map.of(), null, null), "test", (m, p, r) -> {}).session();
            store.inSession(session.id(), 1_000, tx -> {
                tx.inbox("prn_me", "key-1", HASH_A, "post", "", null, false);
                return null;
            });
            store.inSession(session.id(), 5_000, tx -> {
                tx.inbox("prn_me", "key-2", HASH_B, "post", "", null, false);
                return null;
            });

            assertThat(store.forgetIdempotencyKeys(1_000)).as("nothing received before the cutoff").isZero();
            assertThat(store.forgetIdempotencyKeys(2_000)).isEqualTo(1);
            assertThat(store.inSession(session.id(), 6_000, tx -> tx.idempotent("prn_me", "key-1")).result()).isEmpty();
            assertThat(store.inSession(session.id(), 6_000, tx -> tx.idempotent("prn_me", "key-2")).result()).contains(HASH_B);
            store.inSession(session.id(), 7_000, tx -> {
                tx.inbox("prn_me", "key-1", HASH_C, "post", "", null, false); // the key is free again: no unique-index clash
                return null;
            });
            assertThat(store.inSession(session.id(), 8_000, tx -> tx.idempotent("prn_me", "key-1")).result()).contains(HASH_C);
        }
    }
}
