package dev.quarry.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.identity.IdentityStore;
import dev.quarry.identity.MasterKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.store.StoreVersions;
import dev.quarry.store.Database;
import dev.quarry.testing.StoreTargets;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Policies, attachments and boundaries in the store, decided from one loaded snapshot, on SQLite and PostgreSQL. */
class PolicyStoreTest {
    static final String DENY_GPT = """
            {"Version": "2012-10-17", "Statement": [
              {"Sid": "NoGpt", "Effect": "Deny", "Action": "quarry:Invoke*", "Resource": "model/gpt-*"}]}""";

    static AccessRequest invoke(String model) {
        return new AccessRequest(Actions.INVOKE_MODEL, "model/" + model, Map.of());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void theBuiltInPoliciesLetAdminDoAnythingAndUsersCallModels(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            IdentityStore identities = new IdentityStore(db, MasterKey.generate());
            identities.ensurePrincipal("admin", PrincipalKind.ADMIN);
            identities.createKey("dana", PrincipalKind.USER);
            PolicyStore store = new PolicyStore(db, Clock.systemUTC());

            assertThat(store.names()).containsExactly("AdministratorAccess", "ModelAccess");
            assertThat(store.simulate("admin", new AccessRequest("quarry:PutPolicy", "policy/x", Map.of())).decidedBy())
                    .isEqualTo("AdministratorAccess/AllowEverything");
            assertThat(store.simulate("dana", invoke("quarry/echo")).decidedBy()).isEqualTo("ModelAccess/InvokeModels");
            Decision refused = store.simulate("dana", new AccessRequest("quarry:PutPolicy", "policy/x", Map.of()));
            assertThat(refused.allowed()).isFalse();
            assertThat(refused.reason()).isEqualTo(Decision.Reason.NO_ALLOW);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void anAttachedDenyWinsAndDetachingItRestoresAccess(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            new IdentityStore(db, MasterKey.generate()).createKey("erin", PrincipalKind.USER);
            PolicyStore store = new PolicyStore(db, Clock.systemUTC());
            store.put("NoGpt", DENY_GPT);

            store.attach("NoGpt", PolicyTarget.principal("erin"));
            Decision denied = store.simulate("erin", invoke("gpt-5.5"));
            assertThat(denied.reason()).isEqualTo(Decision.Reason.EXPLICIT_DENY);
            assertThat(denied.decidedBy()).isEqualTo("NoGpt/NoGpt");
            assertThat(store.simulate("erin", invoke("quarry/echo")).allowed()).isTrue();

            store.detach("NoGpt", PolicyTarget.principal("erin"));
            assertThat(store.simulate("erin", invoke("gpt-5.5")).allowed()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aGroupPolicyAppliesToItsMembersOnly(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            IdentityStore identities = new IdentityStore(db, MasterKey.generate());
            identities.createKey("fay", PrincipalKind.USER);
            identities.ensurePrincipal("ops-role", PrincipalKind.ADMIN);
            PolicyStore store = new PolicyStore(db, Clock.systemUTC());
            store.put("NoGpt", DENY_GPT);
            store.attach("NoGpt", PolicyTarget.group("users"));

            assertThat(store.simulate("fay", invoke("gpt-5.5")).reason()).isEqualTo(Decision.Reason.EXPLICIT_DENY);
            assertThat(store.simulate("ops-role", invoke("gpt-5.5")).reason()).isEqualTo(Decision.Reason.NO_ALLOW);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aBoundaryCapsWhatAttachedPoliciesAllow(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            new IdentityStore(db, MasterKey.generate()).createKey("gus", PrincipalKind.USER);
            PolicyStore store = new PolicyStore(db, Clock.systemUTC());
            store.put("EchoOnly", """
                    {"Statement": {"Effect": "Allow", "Action": "quarry:*", "Resource": "model/quarry/*"}}""");

            store.setBoundary("gus", "EchoOnly");
            Decision outside = store.simulate("gus", invoke("gpt-5.5"));
            assertThat(outside.reason()).isEqualTo(Decision.Reason.OUTSIDE_BOUNDARY);
            assertThat(outside.decidedBy()).isEqualTo("EchoOnly");
            assertThat(store.simulate("gus", invoke("quarry/echo")).allowed()).isTrue();

            store.setBoundary("gus", null);
            assertThat(store.simulate("gus", invoke("gpt-5.5")).allowed()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void everyChangeBumpsThePolicyVersion(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            new IdentityStore(db, MasterKey.generate()).createKey("hal", PrincipalKind.USER);
            PolicyStore store = new PolicyStore(db, Clock.systemUTC());
            long before = StoreVersions.read(db, StoreVersions.POLICY);

            store.put("NoGpt", DENY_GPT);
            store.attach("NoGpt", PolicyTarget.principal("hal"));
            store.detach("NoGpt", PolicyTarget.principal("hal"));
            store.setBoundary("hal", "NoGpt");
            store.setBoundary("hal", null);
            store.delete("NoGpt");

            assertThat(StoreVersions.read(db, StoreVersions.POLICY)).isEqualTo(before + 6);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void wrongChangesAreRefusedAndChangeNothing(String target) {
        try (Database db = Database.open(StoreTargets.freshUrl(target))) {
            new IdentityStore(db, MasterKey.generate()).createKey("ivy", PrincipalKind.USER);
            PolicyStore store = new PolicyStore(db, Clock.systemUTC());
            store.put("NoGpt", DENY_GPT);
            store.attach("NoGpt", PolicyTarget.group("users"));
            long version = StoreVersions.read(db, StoreVersions.POLICY);

            assertThatThrownBy(() -> store.put("Bad", "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"quarry:InvokeModle\", \"Resource\": \"*\"}]}"))
                    .isInstanceOf(PolicyException.class).hasMessageStartingWith("Statement[0].Action[0]: 'quarry:InvokeModle' names no known action");
            assertThatThrownBy(() -> store.delete("NoGpt")).isInstanceOfSatisfying(QuarryException.class,
                    e -> assertThat(e.getMessage()).contains("still attached", "detach it first"));
            assertNotFound(() -> store.attach("Nope", PolicyTarget.principal("ivy")), "no policy named 'Nope'");
            assertNotFound(() -> store.attach("NoGpt", PolicyTarget.principal("nobody")), "no principal named 'nobody'");
            assertNotFound(() -> store.attach("NoGpt", PolicyTarget.group("nogroup")), "no group named 'nogroup'");
            assertNotFound(() -> store.detach("NoGpt", PolicyTarget.principal("ivy")), "not attached to principal/ivy");
            assertNotFound(() -> store.document("Nope"), "no policy named 'Nope'");

            assertThat(store.names()).doesNotContain("Bad");
            assertThat(StoreVersions.read(db, StoreVersions.POLICY)).isEqualTo(version);
        }
    }

    private static void assertNotFound(Runnable change, String message) {
        assertThatThrownBy(change::run).isInstanceOfSatisfying(QuarryException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
