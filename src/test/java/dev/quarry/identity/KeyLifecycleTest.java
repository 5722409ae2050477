package dev.quarry.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.store.ChangeWatcher;
import dev.quarry.store.Database;
import dev.quarry.store.StoreVersions;
import dev.quarry.testing.StoreTargets;
import dev.quarry.testing.TestClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Several keys per principal, disabling, deleting, expiry, last use, and changes seen by other processes; on SQLite and PostgreSQL. */
class KeyLifecycleTest {
    private static final MasterKey MASTER_KEY = MasterKey.generate();

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void twoLiveKeysRotateAndDisabledOrDeletedKeysAreRefusedSayingWhy(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            IdentityStore store = new IdentityStore(db, MASTER_KEY);
            IssuedKey old = store.createKey("rita", PrincipalKind.USER);
            IssuedKey fresh = store.keys().create(old.principal(), new KeyTerms(null, "rotation 2"));
            Authenticator authenticator = new Authenticator(store, Clock.systemUTC());

            assertThat(authenticator.authenticate(Credential.apiKey(old.apiKey()))).isEqualTo(old.principal());
            assertThat(authenticator.authenticate(Credential.apiKey(fresh.apiKey()))).isEqualTo(old.principal());
            assertThat(store.keys().list("rita")).extracting(KeyInfo::id, KeyInfo::description)
                    .containsExactly(tuple(old.keyId(), null), tuple(fresh.keyId(), "rotation 2"));

            store.keys().disable(old.keyId());
            authenticator.forget();
            assertRefused(authenticator, Credential.apiKey(old.apiKey()), "was disabled", "quarry keys enable " + old.keyId());
            assertRefused(authenticator, Signed.converse(old.accessKeyId(), old.secretAccessKey(), null, Instant.now()), "was disabled");
            assertThat(store.keys().list("rita").getFirst().status(Instant.now())).isEqualTo("disabled");

            store.keys().enable(old.keyId());
            authenticator.forget();
            assertThat(authenticator.authenticate(Credential.apiKey(old.apiKey()))).isEqualTo(old.principal());

            store.keys().delete(old.keyId());
            authenticator.forget();
            assertRefused(authenticator, Credential.apiKey(old.apiKey()), "was deleted");
            assertThat(store.keys().list("rita")).extracting(KeyInfo::id).containsExactly(fresh.keyId());
            assertThat(authenticator.authenticate(Credential.apiKey(fresh.apiKey()))).isEqualTo(old.principal());
            assertThatThrownBy(() -> store.keys().disable(old.keyId()))
                    .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aKeyStopsWorkingWhenItExpires(String target) {
        TestClock clock = new TestClock(Instant.now());
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            IdentityStore store = new IdentityStore(db, MASTER_KEY, clock);
            Principal sam = store.ensurePrincipal("sam", PrincipalKind.SERVICE);
            IssuedKey key = store.keys().create(sam, new KeyTerms(clock.instant().plus(Duration.ofHours(1)), null));
            Authenticator authenticator = new Authenticator(store, clock);
            assertThat(authenticator.authenticate(Credential.apiKey(key.apiKey()))).isEqualTo(sam);

            clock.advance(Duration.ofHours(1));

            assertRefused(authenticator, Credential.apiKey(key.apiKey()), "expired at");
            assertThat(store.keys().list("sam").getFirst().status(clock.instant())).isEqualTo("expired");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void lastUseIsWrittenOnlyWhenFlushed(String target) {
        TestClock clock = new TestClock(Instant.parse("2026-05-01T10:00:00Z"));
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            IdentityStore store = new IdentityStore(db, MASTER_KEY, clock);
            IssuedKey key = store.createKey("uma", PrincipalKind.USER);
            Authenticator authenticator = new Authenticator(store, clock);
            clock.advance(Duration.ofMinutes(5));
            authenticator.authenticate(Credential.apiKey(key.apiKey()));
            assertThat(store.keys().list("uma").getFirst().lastUsedAt()).isNull();

            authenticator.flushUsage();

            assertThat(store.keys().list("uma").getFirst().lastUsedAt()).isEqualTo(Instant.parse("2026-05-01T10:05:00Z"));
        }
    }

    /** The acceptance case: a key deleted by another process (the CLI, another node) stops working here within a second. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aKeyDeletedByAnotherProcessStopsWorkingWithinASecond(String target) throws InterruptedException {
        String url = StoreTargets.freshUrl(target);
        try (Database serverDb = Database.open(url); Database cliDb = Database.open(url)) {
            IdentityStore server = new IdentityStore(serverDb, MASTER_KEY);
            IssuedKey key = server.createKey("vic", PrincipalKind.USER);
            Authenticator first = new Authenticator(server, Clock.systemUTC());
            Authenticator second = new Authenticator(new IdentityStore(cliDb, MASTER_KEY), Clock.systemUTC());
            try (var a = new ChangeWatcher(serverDb, ChangeWatcher.INTERVAL); var b = new ChangeWatcher(cliDb, ChangeWatcher.INTERVAL)) {
                a.onChange(StoreVersions.IDENTITY, first::forget);
                b.onChange(StoreVersions.IDENTITY, second::forget);
                for (Authenticator authenticator : List.of(first, second)) {
                    assertThat(authenticator.authenticate(Credential.apiKey(key.apiKey()))).isEqualTo(key.principal());
                    authenticator.authenticate(Signed.converse(key.accessKeyId(), key.secretAccessKey(), null, Instant.now()));
                }

                new IdentityStore(cliDb, MASTER_KEY).keys().delete(key.keyId());
                Thread.sleep(1_000);

                for (Authenticator authenticator : List.of(first, second)) {
                    assertRefused(authenticator, Credential.apiKey(key.apiKey()), "was deleted");
                    assertRefused(authenticator, Signed.converse(key.accessKeyId(), key.secretAccessKey(), null, Instant.now()), "was deleted");
                }
            }
        }
    }

    static void assertRefused(Authenticator authenticator, Credential credential, String... saying) {
        assertThatThrownBy(() -> authenticator.authenticate(credential)).isInstanceOfSatisfying(QuarryException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
            assertThat(e.getMessage()).contains(saying);
        });
    }
}
