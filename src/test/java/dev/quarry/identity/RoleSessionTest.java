package dev.quarry.identity;

import static dev.quarry.identity.KeyLifecycleTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.store.Database;
import dev.quarry.testing.StoreTargets;
import dev.quarry.testing.TestClock;
import dev.quarry.store.StoreVersions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
        TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            IdentityStore store = new IdentityStore(db, MASTER_KEY, clock);
            Principal eve = store.createPrincipal("eve", PrincipalKind.USER, Map.of());
            Principal reader = store.roles().create("reader", List.of("group:users"), Map.of());
            Authenticator authenticator = new Authenticator(store, clock);

            RoleSession session = store.roles().assume("reader", "eve", Roles.MIN_SESSION);
            Principal role = reader.actingFor(eve, session.expiration());
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

    /**
     * Two nodes on one store: deleting the user that assumed a role ends its session on both, as
     * soon as each drops what it remembers on the identity version moving (what its change watcher does).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void deletingTheUserEndsTheSessionsItAssumedOnEveryNode(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            IdentityStore store = new IdentityStore(db, MASTER_KEY);
            Principal ivy = store.createPrincipal("ivy", PrincipalKind.USER, Map.of());
            store.createPrincipal("jon", PrincipalKind.USER, Map.of());
            store.roles().create("operator", List.of("ivy", "jon"), Map.of());
            Authenticator here = new Authenticator(store, Clock.systemUTC());
            Authenticator there = new Authenticator(store, Clock.systemUTC());
            RoleSession ivysSession = store.roles().assume("operator", "ivy", Roles.DEFAULT_SESSION);
            IssuedKey ivys = ivysSession.key();
            RoleSession jons = store.roles().assume("operator", "jon", Roles.DEFAULT_SESSION);
            assertThat(there.authenticate(Credential.apiKey(ivys.apiKey())).onBehalfOf()).isEqualTo(ivy);
            assertThat(here.authenticate(Credential.apiKey(ivys.apiKey())).onBehalfOf()).isEqualTo(ivy);

            long version = StoreVersions.read(db, StoreVersions.IDENTITY);
            store.deletePrincipal("ivy");
            assertThat(StoreVersions.read(db, StoreVersions.IDENTITY)).as("other nodes are told").isGreaterThan(version);
            here.forget();
            there.forget();

            for (Authenticator node : List.of(here, there)) {
                assertRefused(node, Credential.apiKey(ivys.apiKey()), "whose assuming principal was deleted");
                assertRefused(node, Signed.converse(ivys.accessKeyId(), ivys.secretAccessKey(), ivysSession.sessionToken(), Instant.now()),
                        "whose assuming principal was deleted");
                assertThat(node.authenticate(Credential.apiKey(jons.key().apiKey())).onBehalfOf().name()).isEqualTo("jon");
            }
            assertThat(store.keys().list("operator")).extracting(KeyInfo::id).containsExactly(jons.key().keyId());
        }
    }

    /** A role assumed through another role's session is still the user's: its budgets hold and its deletion ends both. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aRoleAssumedFromARoleSessionActsForTheUserBehindIt(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            IdentityStore store = new IdentityStore(db, MASTER_KEY);
            Principal kim = store.createPrincipal("kim", PrincipalKind.USER, Map.of());
            store.roles().create("first", List.of("kim"), Map.of());
            store.roles().create("second", List.of("first"), Map.of());
            Authenticator authenticator = new Authenticator(store, Clock.systemUTC());
            Principal inFirst = authenticator.authenticate(Credential.apiKey(store.roles().assume("first", "kim", Roles.DEFAULT_SESSION).key().apiKey()));

            RoleSession chained = store.roles().assume("second", inFirst, Roles.DEFAULT_SESSION);

            assertThat(chained.assumedBy()).isEqualTo("kim");
            assertThat(authenticator.authenticate(Credential.apiKey(chained.key().apiKey())).onBehalfOf()).isEqualTo(kim);
        }
    }

    /** Roles trusting each other cannot renew a session forever: each hop ends when the session it came from ends. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aChainedSessionNeverOutlivesItsParent(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
            IdentityStore store = new IdentityStore(db, MASTER_KEY, clock);
            store.createPrincipal("hank", PrincipalKind.USER, Map.of());
            store.roles().create("r1", List.of("hank", "r2"), Map.of());
            store.roles().create("r2", List.of("r1"), Map.of());
            Authenticator authenticator = new Authenticator(store, clock);
            RoleSession first = store.roles().assume("r1", "hank", Roles.MIN_SESSION);

            Principal inR1 = authenticator.authenticate(Credential.apiKey(first.key().apiKey()));
            clock.advance(Duration.ofMinutes(10));
            RoleSession second = store.roles().assume("r2", inR1, Roles.MAX_SESSION);
            Principal inR2 = authenticator.authenticate(Credential.apiKey(second.key().apiKey()));
            RoleSession third = store.roles().assume("r1", inR2, Roles.MAX_SESSION);

            assertThat(List.of(second.expiration(), third.expiration())).containsOnly(first.expiration());
            clock.advance(Duration.ofMinutes(5));
            assertRefused(authenticator, Credential.apiKey(third.key().apiKey()), "expired");
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
