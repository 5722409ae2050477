package dev.quarry.agents.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.agents.model.AgentSpec;
import dev.quarry.agents.model.EnvironmentCredential;
import dev.quarry.agents.model.EnvironmentSpec;
import dev.quarry.agents.model.SecretBox;
import dev.quarry.agents.model.SessionDraft;
import dev.quarry.agents.store.AgentStore;
import dev.quarry.agents.store.DialOutStore;
import dev.quarry.agents.store.SessionStore;
import dev.quarry.agents.store.TurnStore;
import dev.quarry.aws.AwsCredentials;
import dev.quarry.aws.SigV4;
import dev.quarry.aws.SignableRequest;
import dev.quarry.identity.Acting;
import dev.quarry.identity.Principal;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.store.Database;
import dev.quarry.testing.AllowedCaller;
import dev.quarry.testing.StoreTargets;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Executors dialing out are admitted by their environment's own SigV4 credential only, minted at the
 * session's creation and stored sealed; and the turns of a session whose executor's socket another
 * live node holds are claimed by that node only.
 */
class DialOutGateTest {
    private static final Acting ME = new AllowedCaller(new Principal("prn_me", "me", PrincipalKind.USER));
    private static final Instant NOW = Instant.parse("2026-12-07T22:00:00Z");
    /** Binds a value to its context as the master key does; the stored form does not show the value. */
    private static final SecretBox BOX = new SecretBox() {
        @Override
        public String seal(String plain, String context) {
            return "sealed:" + Base64.getEncoder().encodeToString((context + "\n" + plain).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String open(String sealed, String context) {
            String text = new String(Base64.getDecoder().decode(sealed.substring("sealed:".length())), StandardCharsets.UTF_8);
            if (!text.startsWith(context + "\n")) throw new IllegalStateException("sealed for another context");
            return text.substring(context.length() + 1);
        }
    };

    record Created(String sessionId, String environmentId, EnvironmentCredential credential) {}

    private static Created create(Database db) {
        var sessions = new AgentSessions(new SessionStore(db), new AgentStore(db), new TurnStore(db), BOX, null,
                EnvironmentRules.NONE_ALLOWED, Clock.systemUTC());
        var created = sessions.create(ME, new SessionDraft(new AgentSpec(null, "quarry/echo", null), null, Map.of(), null, null, List.of(),
                new EnvironmentSpec.SelfHosted("/work", List.of(), new EnvironmentSpec.Connect.DialOut(), List.of())), "test", (m, p, r) -> {});
        String environmentId = new SessionStore(db).environment(created.session().id()).orElseThrow().id();
        return new Created(created.session().id(), environmentId, created.credential());
    }

    /** The registration as 0.169.0 signs it: content-type, host and x-amz-date, for the service it was given. */
    private static SignableRequest register(String environmentId, String accessKeyId, String secret, String service) {
        byte[] body = "{\"transport\":\"direct_jsonrpc_v1\"}".getBytes(StandardCharsets.UTF_8);
        String path = "/v1/cloud/environment/" + environmentId + "/direct/register";
        Map<String, List<String>> headers = new HashMap<>(Map.of("content-type", List.of("application/json"), "host", List.of("127.0.0.1:8080")));
        SignableRequest unsigned = SignableRequest.of("POST", path, "", headers, body);
        SigV4.sign(unsigned, new AwsCredentials(accessKeyId, secret, null), "us-east-1", service, NOW)
                .forEach((name, value) -> headers.put(name, List.of(value)));
        return SignableRequest.of("POST", path, "", headers, body);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void onlyTheEnvironmentsOwnCredentialIsAdmitted(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            Created a = create(db);
            Created b = create(db);
            DialOutGate gate = new DialOutGate(new DialOutStore(db), BOX);
            String keyA = a.credential().accessKeyId();
            String secretA = a.credential().secretAccessKey();
            assertThat(keyA).matches("QENV[A-Z2-7]{16}");
            assertThat(secretA).hasSize(40);
            assertThat(a.credential().toString()).doesNotContain(secretA);

            for (String service : DialOutGate.SIGNING_NAMES) {
                assertThat(gate.admit(a.environmentId(), register(a.environmentId(), keyA, secretA, service), NOW))
                        .isEqualTo(new DialOutStore.DialOutEnvironment(a.environmentId(), a.sessionId()));
            }
            assertThatThrownBy(() -> gate.admit(b.environmentId(), register(b.environmentId(), keyA, secretA, "quarry"), NOW))
                    .isInstanceOfSatisfying(DialOutGate.Refused.class, e -> assertThat(e.credentialEnvironment()).isEqualTo(a.environmentId()))
                    .hasMessageContaining("credential of another environment");
            assertThatThrownBy(() -> gate.admit(a.environmentId(), register(a.environmentId(), keyA, "x".repeat(40), "quarry"), NOW))
                    .isInstanceOfSatisfying(DialOutGate.Refused.class, e -> assertThat(e.credentialEnvironment()).isNull())
                    .hasMessageContaining("signature we calculated does not match");
            assertThatThrownBy(() -> gate.admit(a.environmentId(), register(a.environmentId(), "QENVAAAAAAAAAAAAAAAA", secretA, "quarry"), NOW))
                    .isInstanceOf(DialOutGate.Refused.class).hasMessageContaining("is not an environment credential");
            assertThatThrownBy(() -> gate.admit(a.environmentId(), register(a.environmentId(), keyA, secretA, "bedrock"), NOW))
                    .isInstanceOf(DialOutGate.Refused.class).hasMessageContaining("'quarry' or 'bedrock-mantle'");
            assertThatThrownBy(() -> gate.admit(a.environmentId(), register(a.environmentId(), keyA, secretA, "quarry"), NOW.plusSeconds(600)))
                    .isInstanceOf(DialOutGate.Refused.class).hasMessageContaining("Signature expired");
            assertThatThrownBy(() -> gate.admit(a.environmentId(), SignableRequest.of("POST", "/", "", Map.of(), new byte[0]), NOW))
                    .isInstanceOf(DialOutGate.Refused.class).hasMessageContaining("must be signed");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aSessionWhoseSocketAnotherLiveNodeHoldsIsClaimedThereOnly(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            Created created = create(db);
            TurnStore turns = new TurnStore(db);
            DialOutStore store = new DialOutStore(db);
            long now = 1_000_000;
            long lease = 30_000;
            turns.inSession(created.sessionId(), now, tx -> tx.newTurn(null, null));
            store.link(created.environmentId(), "node-b", "boot-b", now, now + lease);

            assertThat(turns.claim("node-a", "boot-a", now, lease, 10)).as("node-b holds the socket").isEmpty();
            assertThat(turns.claim("node-b", "boot-b-restarted", now, lease, 10)).as("a later start of node-b does not hold it").isEmpty();
            turns.renew("node-b", "boot-b", now + lease - 1, lease);
            assertThat(turns.claim("node-a", "boot-a", now + lease + 1, lease, 10)).as("renewed with node-b's leases").isEmpty();
            assertThat(turns.claim("node-a", "boot-a", now + 2 * lease, lease, 10)).as("node-b stopped renewing").hasSize(1);

            store.unlink(created.environmentId(), "node-a", "boot-a", now);
            store.link(created.environmentId(), "node-a", "boot-a", now, now + 10 * lease);
            store.unlink(created.environmentId(), "node-b", "boot-b", now);
            assertThat(turns.claim("node-b", "boot-b", now + 4 * lease, lease, 10)).as("node-b's unlink leaves node-a's link").isEmpty();
        }
    }
}
