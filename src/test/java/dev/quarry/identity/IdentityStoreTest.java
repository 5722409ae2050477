package dev.quarry.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.aws.AwsCredentials;
import dev.quarry.aws.SigV4;
import dev.quarry.aws.SignableRequest;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.store.Database;
import dev.quarry.testing.StoreTargets;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Keys and principals in the store and the authenticator in front of them, on SQLite and PostgreSQL. */
class IdentityStoreTest {
    private static final MasterKey MASTER_KEY = MasterKey.generate();

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aCreatedKeyAuthenticatesItsPrincipalAndOnlyItsHashIsStored(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            IdentityStore store = new IdentityStore(db, MASTER_KEY);
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
    void aCreatedKeyPairVerifiesSignaturesAndItsSecretIsStoredSealed(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            IdentityStore store = new IdentityStore(db, MASTER_KEY);
            IssuedKey key = store.createKey("fay", PrincipalKind.USER);
            assertThat(key.accessKeyId()).matches("QKIA[A-Z2-7]{16}");
            assertThat(key.secretAccessKey()).matches("[A-Za-z0-9+/]{40}");

            Authenticator authenticator = new Authenticator(store, Clock.systemUTC());
            assertThat(authenticator.authenticate(signed(key.accessKeyId(), key.secretAccessKey()))).isEqualTo(key.principal());

            String stored = db.read(c -> {
                try (ResultSet r = c.createStatement().executeQuery("SELECT access_key_id, sealed_data_key, sealed_secret FROM access_keys")) {
                    r.next();
                    return r.getString(1) + " " + r.getString(2) + " " + r.getString(3);
                }
            });
            assertThat(stored).startsWith(key.accessKeyId()).doesNotContain(key.secretAccessKey());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aPairSealedUnderAnotherMasterKeyDoesNotOpen(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            IssuedKey key = new IdentityStore(db, MASTER_KEY).createKey("gus", PrincipalKind.USER);

            assertThatThrownBy(() -> new IdentityStore(db, MasterKey.generate()).keys().accessKey(key.accessKeyId()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not open with this master key");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aKnownPairIsServedFromMemoryWithoutTheStore(String target) {
        Database db = Database.open(StoreTargets.freshUrl(target));
        IdentityStore store = new IdentityStore(db, MASTER_KEY);
        IssuedKey key = store.createKey("hal", PrincipalKind.USER);
        Authenticator authenticator = new Authenticator(store, Clock.systemUTC());
        authenticator.authenticate(signed(key.accessKeyId(), key.secretAccessKey()));

        db.close();

        assertThat(authenticator.authenticate(signed(key.accessKeyId(), key.secretAccessKey()))).isEqualTo(key.principal());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void badSignaturesAndUnknownPairsAreToldApart(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            IdentityStore store = new IdentityStore(db, MASTER_KEY);
            IssuedKey key = store.createKey("ivy", PrincipalKind.USER);
            Authenticator authenticator = new Authenticator(store, Clock.systemUTC());

            assertThatThrownBy(() -> authenticator.authenticate(signed(key.accessKeyId(), "wrong-secret")))
                    .isInstanceOfSatisfying(QuarryException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
                        assertThat(e.error().param()).isEqualTo("Authorization");
                        assertThat(e.getMessage()).contains("signature we calculated does not match");
                    });
            assertThatThrownBy(() -> authenticator.authenticate(signed("QKIAAAAAAAAAAAAAAAAA", key.secretAccessKey())))
                    .isInstanceOfSatisfying(QuarryException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
                        assertThat(e.error().param()).isNull();
                        assertThat(e.getMessage()).contains("QKIAAAAAAAAAAAAAAAAA", "not known");
                    });
            var malformed = new Credential.SigV4(SignableRequest.of("POST", "/", "",
                    Map.of("Authorization", List.of("AWS4-HMAC-SHA256 Credential=x")), new byte[0]), "bedrock");
            assertThatThrownBy(() -> authenticator.authenticate(malformed))
                    .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aPrincipalIsCreatedOnceAndReused(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            IdentityStore store = new IdentityStore(db, MASTER_KEY);
            Principal first = store.createKey("erin", PrincipalKind.SERVICE).principal();
            Principal second = store.createKey("erin", PrincipalKind.SERVICE).principal();
            assertThat(second).isEqualTo(first);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void unknownAndMissingKeysAreRefused(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            Authenticator authenticator = new Authenticator(new IdentityStore(db, MASTER_KEY), Clock.systemUTC());
            assertThatThrownBy(() -> authenticator.authenticate(Credential.apiKey("qk-unknown")))
                    .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION));
            assertThatThrownBy(() -> authenticator.authenticate(Credential.NONE))
                    .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.getMessage()).contains("Bearer"));
        }
    }

    /** A Bedrock Converse call signed now with the given pair, as received. */
    private static Credential signed(String accessKeyId, String secret) {
        byte[] body = "{\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
        var headers = new LinkedHashMap<String, List<String>>();
        headers.put("Host", List.of("127.0.0.1:9000"));
        headers.put("Content-Type", List.of("application/json"));
        SigV4.sign(SignableRequest.of("POST", "/model/m/converse", "", headers, body), AwsCredentials.of(accessKeyId, secret),
                "us-east-1", "bedrock", Instant.now()).forEach((name, value) -> headers.put(name, List.of(value)));
        return new Credential.SigV4(SignableRequest.of("POST", "/model/m/converse", "", headers, body), "bedrock");
    }
}
