package dev.quarry.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.identity.IdentityStore;
import dev.quarry.identity.MasterKey;
import dev.quarry.identity.Principal;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.store.Database;
import dev.quarry.testing.StoreTargets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Power cannot be handed on by anyone who lacks it: a group manager who may only manage groups
 * cannot put anyone (itself included) in a more privileged group, cannot free a principal (itself
 * included) from its boundary, and cannot mint a key of a more privileged principal.
 */
class EscalationGuardTest {
    private static final String GROUP_MANAGER = """
            {"Statement": [{"Sid": "Manage", "Effect": "Allow", "Action": ["quarry:AddToGroup", "quarry:CreateKey",
               "quarry:PutPermissionBoundary", "quarry:CreatePrincipal"], "Resource": "*"}]}""";
    private static final String POLICY_ADMIN = """
            {"Statement": [{"Sid": "Policies", "Effect": "Allow", "Action": "quarry:*Policy", "Resource": "*"}]}""";
    private static final String MODELS_ONLY = """
            {"Statement": [{"Sid": "Models", "Effect": "Allow", "Action": "quarry:InvokeModel", "Resource": "*"}]}""";
    private static final Map<String, List<String>> NO_CONTEXT = Map.of();

    private Database db;
    private PolicyStore policies;
    private PolicyDirectory directory;
    private EscalationGuard guard;
    private Principal manager;
    private Principal root;

    @BeforeEach
    void setUp() {
        db = Database.open(StoreTargets.freshUrl("sqlite"));
        IdentityStore identities = new IdentityStore(db, MasterKey.generate());
        policies = new PolicyStore(db, Clock.systemUTC());
        manager = identities.createPrincipal("manager", PrincipalKind.USER, Map.of());
        root = identities.createPrincipal("root", PrincipalKind.USER, Map.of());
        identities.createPrincipal("plain", PrincipalKind.USER, Map.of());
        identities.groups().create("admins");
        identities.groups().create("readers");
        policies.put("GroupManager", GROUP_MANAGER);
        policies.put("PolicyAdmin", POLICY_ADMIN);
        policies.put("ModelsOnly", MODELS_ONLY);
        policies.attach("GroupManager", PolicyTarget.principal("manager"));
        policies.attach("PolicyAdmin", PolicyTarget.group("admins"));
        policies.attach("ModelsOnly", PolicyTarget.group("readers"));
        policies.attach("PolicyAdmin", PolicyTarget.principal("root"));
        directory = new PolicyDirectory(policies);
        guard = new EscalationGuard(directory);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void noOneIsAddedToAGroupThatGrantsAdminPowerTheCallerLacks() {
        assertRefused(() -> guard.checkJoin(manager, "admins", "manager", NO_CONTEXT), "group 'admins' would allow quarry:PutPolicy");
        assertRefused(() -> guard.checkJoin(manager, "admins", "plain", NO_CONTEXT), "group 'admins' would allow quarry:PutPolicy");
        assertThatCode(() -> guard.checkJoin(manager, "readers", "plain", NO_CONTEXT)).doesNotThrowAnyException();
    }

    @Test
    void aBoundaryHoldsAJoinToAPrivilegedGroup() {
        policies.setBoundary("plain", "ModelsOnly");
        directory.reload();
        assertThatCode(() -> guard.checkJoin(manager, "admins", "plain", NO_CONTEXT)).doesNotThrowAnyException();
    }

    @Test
    void noOneIsFreedFromABoundaryToPowerTheCallerLacks() {
        policies.attach("PolicyAdmin", PolicyTarget.principal("manager"));
        policies.setBoundary("manager", "GroupManager");
        directory.reload();
        // The manager's own boundary keeps it from writing policies; removing or widening it would free that.
        assertRefused(() -> guard.checkBoundary(manager, "manager", null, NO_CONTEXT), "'manager' without a boundary would allow quarry:PutPolicy");
        assertRefused(() -> guard.checkBoundary(manager, "manager", "PolicyAdmin", NO_CONTEXT), "within boundary 'PolicyAdmin'");
        policies.setBoundary("root", "ModelsOnly");
        directory.reload();
        assertRefused(() -> guard.checkBoundary(manager, "root", null, NO_CONTEXT), "no longer held back by boundary 'ModelsOnly'");
        assertThatCode(() -> guard.checkBoundary(manager, "root", "ModelsOnly", NO_CONTEXT)).doesNotThrowAnyException();
        assertThatCode(() -> guard.checkBoundary(manager, "plain", null, NO_CONTEXT)).doesNotThrowAnyException();
    }

    @Test
    void noKeyIsMintedForAPrincipalWithAdminPowerTheCallerLacks() {
        assertRefused(() -> guard.checkKeyFor(manager, "root", NO_CONTEXT), "a key of 'root' would allow quarry:PutPolicy");
        assertThatCode(() -> guard.checkKeyFor(manager, "plain", NO_CONTEXT)).doesNotThrowAnyException();
        // A new name becomes a user in the built-in group, so what that group grants counts too.
        assertThatCode(() -> guard.checkKeyFor(manager, "newcomer", NO_CONTEXT)).doesNotThrowAnyException();
        policies.attach("PolicyAdmin", PolicyTarget.group("users"));
        policies.setBoundary("manager", "GroupManager"); // the manager is a user too: its boundary keeps it from what 'users' now grants
        directory.reload();
        assertRefused(() -> guard.checkKeyFor(manager, "newcomer", NO_CONTEXT), "a key of 'newcomer' would allow quarry:PutPolicy");
    }

    @Test
    void aDenyOnEverythingCountsUnderTheCallsConditionsAndANarrowerOneUnderAny() {
        policies.put("FromOffice", """
                {"Statement": [{"Sid": "OfficeOnly", "Effect": "Deny", "Action": "*", "Resource": "*",
                  "Condition": {"NotIpAddress": {"quarry:SourceIp": "10.0.0.0/8"}}}]}""");
        policies.attach("FromOffice", PolicyTarget.principal("root"));
        directory.reload();
        Map<String, List<String>> inOffice = Map.of("quarry:SourceIp", List.of("10.1.2.3"));
        assertThatCode(() -> guard.checkJoin(root, "admins", "plain", inOffice)).doesNotThrowAnyException();
        assertThatCode(() -> guard.checkDetach(root, "FromOffice", PolicyTarget.principal("root"), inOffice)).doesNotThrowAnyException();
        assertRefused(() -> guard.checkJoin(root, "admins", "plain", Map.of("quarry:SourceIp", List.of("192.0.2.1"))),
                "quarry:PutPolicy on * is denied by statement 'OfficeOnly' of policy 'FromOffice'");

        policies.put("FromOffice", """
                {"Statement": [{"Sid": "OfficeOnly", "Effect": "Deny", "Action": "*", "Resource": "principal/manager",
                  "Condition": {"NotIpAddress": {"quarry:SourceIp": "10.0.0.0/8"}}}]}""");
        directory.reload();
        assertRefused(() -> guard.checkJoin(root, "admins", "plain", inOffice), "you are denied it on principal/manager by statement 'OfficeOnly'");
    }

    @Test
    void aDenyTheGranteeCarriesTooIsNoReasonToRefuseUnlessItDependsOnWhoAsks() {
        String keepOffManager = """
                {"Statement": [{"Sid": "NotManager", "Effect": "Deny", "Action": "*", "Resource": "principal/manager"%s}]}""";
        policies.put("KeepOffManager", keepOffManager.formatted(""));
        policies.attach("KeepOffManager", PolicyTarget.principal("root"));
        directory.reload();
        assertRefused(() -> guard.checkJoin(root, "admins", "plain", NO_CONTEXT), "you are denied it on principal/manager");
        policies.attach("KeepOffManager", PolicyTarget.principal("plain"));
        directory.reload();
        assertThatCode(() -> guard.checkJoin(root, "admins", "plain", NO_CONTEXT)).doesNotThrowAnyException();

        policies.put("KeepOffManager", keepOffManager.formatted(", \"Condition\": {\"StringEquals\": {\"quarry:PrincipalName\": \"root\"}}"));
        directory.reload();
        assertRefused(() -> guard.checkJoin(root, "admins", "plain", NO_CONTEXT), "you are denied it on principal/manager");
    }

    private static void assertRefused(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(QuarryException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
            assertThat(e.getMessage()).contains("cannot grant permissions you do not hold", message);
        });
    }
}
