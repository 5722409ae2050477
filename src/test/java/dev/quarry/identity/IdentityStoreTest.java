package dev.quarry.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.store.Database;
import dev.quarry.testing.StoreTargets;
import java.sql.ResultSet;
import java.time.Clock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Keys and principals in the store and the authenticator in front of them, on SQLite and PostgreSQL. */
class IdentityStoreTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aCreatedKeyAuthenticatesItsPrincipalAndOnlyItsHashIsStored(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            IdentityStore store = new IdentityStore(db);
            IssuedKey key = store.createKey("dana", PrincipalKind.USER);
            assertThat(key.apiKey()).startsWith("qk-").hasSizeGreaterThan(40);

            // A second process (the CLI) made the key: this authenticator has never seen it.
            Authenticator authenticator = new Authenticator(store, Clock.systemUTC());
            assertThat(authenticator.authenticate(Credential.apiKey(key.apiKey()))).isEqualTo(key.principal());

            String stored = db.read(c -> {
                try (ResultSet r = c.createStatement().executeQuery("SELECT key_hash, key_prefix FROM api_keys")) {
                    r.next();
                    return r.getString(1) + " " + r.getString(2);
                }
            });
            assertThat(stored).doesNotContain(key.apiKey()).startsWith(ApiKeys.hash(key.apiKey()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aPrincipalIsCreatedOnceAndReused(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            IdentityStore store = new IdentityStore(db);
            Principal first = store.createKey("erin", PrincipalKind.SERVICE).principal();
            Principal second = store.createKey("erin", PrincipalKind.SERVICE).principal();
            assertThat(second).isEqualTo(first);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void unknownAndMissingKeysAreRefused(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            Authenticator authenticator = new Authenticator(new IdentityStore(db), Clock.systemUTC());
            assertThatThrownBy(() -> authenticator.authenticate(Credential.apiKey("qk-unknown")))
                    .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION));
            assertThatThrownBy(() -> authenticator.authenticate(Credential.NONE))
                    .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.getMessage()).contains("Bearer"));
        }
    }
}
