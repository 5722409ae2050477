package dev.quarry.identity;

import static dev.quarry.identity.KeyLifecycleTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.store.Database;
import dev.quarry.testing.StoreTargets;
import dev.quarry.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Assuming roles: trust, temporary credentials over bearer and SigV4, and their expiry; on SQLite and PostgreSQL. */
class RoleSessionTest {
    private static final MasterKey MASTER_KEY = MasterKey.generate();

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void trustedCallersGetCredentialsThatActAsTheRoleUntilTheyExpire(String target) {
        TestClock clock = new TestClock(Instant.now());
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            IdentityStore store = new IdentityStore(db, MASTER_KEY, clock);
            store.createPrincipal("eve", PrincipalKind.USER, Map.of());
            Principal role = store.roles().create("reader", List.of("group:users"), Map.of());
            Authenticator authenticator = new Authenticator(store, clock);

            RoleSession session = store.roles().assume("reader", "eve", Roles.MIN_SESSION);
            IssuedKey key = session.key();
            assertThat(session.expiration()).isEqualTo(clock.instant().plus(Roles.MIN_SESSION));
            assertThat(session.assumedBy()).isEqualTo("eve");

            assertThat(authenticator.authenticate(Credential.apiKey(key.apiKey()))).isEqualTo(role);
            assertThat(authenticator.authenticate(Signed.converse(key.accessKeyId(), key.secretAccessKey(), session.sessionToken(), clock.instant())))
                    .isEqualTo(role);
            assertRefused(authenticator, Signed.converse(key.accessKeyId(), key.secretAccessKey(), null, clock.instant()),
                    "temporary credential of role 'reader'", "X-Amz-Security-Token");
            assertRefused(authenticator, Signed.converse(key.accessKeyId(), key.secretAccessKey(), "qst-forged", clock.instant()),
                    "not the session token");

            clock.advance(Roles.MIN_SESSION);

            assertRefused(authenticator, Credential.apiKey(key.apiKey()), "expired at", "Assume the role again");
            assertRefused(authenticator, Signed.converse(key.accessKeyId(), key.secretAccessKey(), session.sessionToken(), clock.instant()),
                    "expired at");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void onlyCallersTheTrustNamesMayAssumeARole(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            IdentityStore store = new IdentityStore(db, MASTER_KEY);
            store.createPrincipal("fin", PrincipalKind.USER, Map.of());
            store.createPrincipal("gil", PrincipalKind.AGENT, Map.of());
            store.createPrincipal("hana", PrincipalKind.AGENT, Map.of());
            store.groups().create("ops");
            store.groups().add("ops", "hana");
            store.roles().create("deployer", List.of("fin", "group:ops"), Map.of());

            assertThat(store.roles().assume("deployer", "fin", Roles.DEFAULT_SESSION).role()).isEqualTo("deployer");
            assertThat(store.roles().assume("deployer", "hana", Roles.DEFAULT_SESSION).role()).isEqualTo("deployer");
            assertThatThrownBy(() -> store.roles().assume("deployer", "gil", Roles.DEFAULT_SESSION))
                    .isInstanceOfSatisfying(QuarryException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
                        assertThat(e.getMessage()).contains("'gil' may not assume role 'deployer'");
                    });
            assertThatThrownBy(() -> store.roles().assume("deployer", "fin", Duration.ofSeconds(899)))
                    .hasMessageContaining("between 900 and 43200");
            assertThatThrownBy(() -> store.roles().assume("fin", "fin", Roles.DEFAULT_SESSION)).hasMessageContaining("no role named 'fin'");
            assertThatThrownBy(() -> store.createKey("deployer", PrincipalKind.USER)).hasMessageContaining("'deployer' is a role");
        }
    }
}
