package dev.quarry.identity;

import static dev.quarry.identity.KeyLifecycleTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.store.Database;
import dev.quarry.testing.StoreTargets;
import dev.quarry.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The identity an agent session runs as: resolved from remembered principals, refused once they are
 * gone and the identity version has moved, and a role's acting for its assumer; on SQLite and PostgreSQL.
 */
class HarnessCredentialTest {
    private static final MasterKey MASTER_KEY = MasterKey.generate();

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aSessionRunsAsItsOwnerUntilTheOwnerIsDeletedAndForgotten(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            IdentityStore store = new IdentityStore(db, MASTER_KEY);
            Principal ana = store.createPrincipal("ana", PrincipalKind.USER, Map.of("team", "blue"));
            Authenticator authenticator = new Authenticator(store, new TestClock(Instant.now()));
            Credential.Harness harness = new Credential.Harness(ana.id(), null, null);

            assertThat(authenticator.authenticate(harness)).isEqualTo(ana);

            store.deletePrincipal("ana");
            // Remembered: a model call of an agent costs no query; deleting is seen when the identity version moves.
            assertThat(authenticator.authenticate(harness)).as("remembered until forgotten").isEqualTo(ana);
            authenticator.forget();
            assertRefused(authenticator, harness, "runs as principal '" + ana.id() + "', which no longer exists");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aSessionAsARoleActsForItsAssumerUntilTheTurnEndsOrTheAssumerIsGone(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
            IdentityStore store = new IdentityStore(db, MASTER_KEY, clock);
            Principal eve = store.createPrincipal("eve", PrincipalKind.USER, Map.of());
            Principal deployer = store.roles().create("deployer", List.of("eve"), Map.of());
            Authenticator authenticator = new Authenticator(store, clock);
            Instant deadline = clock.instant().plus(Duration.ofMinutes(10));
            Credential.Harness harness = new Credential.Harness(deployer.id(), eve.id(), deadline);

            Principal acting = authenticator.authenticate(harness);

            assertThat(acting).isEqualTo(deployer.actingFor(eve, deadline));
            assertThat(acting.onBehalfOfName()).isEqualTo("eve");
            assertRefused(authenticator, new Credential.Harness(eve.id(), deployer.id(), deadline), "'eve' is not a role");

            clock.advance(Duration.ofMinutes(10));
            assertRefused(authenticator, harness, "acting as role 'deployer' for 'eve' ended at " + deadline);

            Credential.Harness later = new Credential.Harness(deployer.id(), eve.id(), deadline.plus(Duration.ofHours(1)));
            assertThat(authenticator.authenticate(later).onBehalfOf()).isEqualTo(eve);
            store.deletePrincipal("eve");
            authenticator.forget();
            assertRefused(authenticator, later, "runs as role 'deployer' for principal '" + eve.id() + "', which no longer exists");
        }
    }

    @Test
    void aRolesActingNamesBothWhomAndUntilWhen() {
        assertThatThrownBy(() -> new Credential.Harness("p-1", "p-2", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Credential.Harness("p-1", null, Instant.now())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Credential.Harness(null, null, null)).isInstanceOf(NullPointerException.class);
    }
}
