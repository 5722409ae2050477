package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.testing.StoreTargets;
import dev.quarry.testing.TestQuarry;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reviewer's attacks on exact-resource authorization and the escalation guard, each as it was
 * reproduced against a running Quarry, on SQLite and PostgreSQL: a puppet account, a role's trust,
 * self-tagging, acting on a target the caller is denied, lifting one's own Deny, and reaching a role
 * through the principal routes, attachments and memberships; and the admins the guard refused
 * wrongly: one kept to the office network, calling from it, and one granting a Deny of its own along.
 */
class EscalationAttacksTest {
    private static final String ALLOW_ALL = """
            {"Statement": [{"Sid": "All", "Effect": "Allow", "Action": "*", "Resource": "*"}]}""";
    private static final String DENY_ADMIN = """
            {"Statement": [{"Sid": "NotAdmin", "Effect": "Deny", "Action": "*", "Resource": "principal/admin"}]}""";
    private static final String LIST_KEYS = """
            {"Statement": [{"Effect": "Allow", "Action": "quarry:ListKeys", "Resource": "*"}]}""";
    /** Denies everything from outside the networks filled in. */
    private static final String OFFICE_ONLY = """
            {"Statement": [{"Sid": "OfficeOnly", "Effect": "Deny", "Action": "*", "Resource": "*",
              "Condition": {"NotIpAddress": {"quarry:SourceIp": %s}}}]}""";

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aCallerDeniedAnythingCannotHandTheUnrestrictedPowerToAPuppet(String target) {
        try (TestQuarry quarry = start(target)) {
            String olivia = opsMember(quarry, "olivia");
            String refusal = quarry.call("PUT", "/admin/policies/sock-all", olivia, ALLOW_ALL).expect(403).path("error").path("message").asText();
            assertThat(refusal).contains("cannot grant permissions you do not hold", "policy 'sock-all' would allow quarry:CreatePrincipal",
                    "you are denied it on principal/admin by statement 'NotAdmin' of policy 'DenyAdmin'");
            // Written by the admin, it still cannot be attached to her puppet.
            quarry.admin("PUT", "/admin/policies/sock-all", ALLOW_ALL).expect(200);
            quarry.call("POST", "/admin/keys", olivia, "{\"name\": \"sock\"}").expect(201);
            quarry.call("POST", "/admin/policies/sock-all/attachments", olivia, "{\"target_type\": \"principal\", \"target_name\": \"sock\"}")
                    .expect(403);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void joiningAGroupARoleTrustsGrantsWhatTheRoleMayDo(String target) {
        try (TestQuarry quarry = start(target)) {
            quarry.admin("POST", "/admin/groups", "{\"name\": \"deployers\"}").expect(201);
            quarry.admin("POST", "/admin/roles", "{\"name\": \"ci-admin\", \"trust\": [\"group:deployers\"]}").expect(201);
            attach(quarry, "AdministratorAccess", "principal", "ci-admin");
            policy(quarry, "MayDeploy", "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"quarry:AssumeRole\", \"Resource\": \"role/ci-admin\"}]}");
            attach(quarry, "MayDeploy", "group", "deployers");
            String gina = quarry.newKey("gina");
            policy(quarry, "JoinDeployers", """
                    {"Statement": [{"Effect": "Allow", "Action": ["quarry:AddToGroup", "quarry:CreateRole"],
                      "Resource": ["group/deployers", "principal/gina", "role/*"]}]}""");
            attach(quarry, "JoinDeployers", "principal", "gina");

            assertThat(quarry.call("PUT", "/admin/groups/deployers/members/gina", gina, null).expect(403).path("error").path("message").asText())
                    .contains("letting 'gina' act as role 'ci-admin'", "would allow quarry:CreatePrincipal");
            quarry.call("POST", "/sts/assume-role", gina, "{\"role\": \"ci-admin\"}").expect(403);

            // A new role trusting her, that the powerful role trusts by name, is the same way in.
            quarry.admin("POST", "/admin/roles", "{\"name\": \"ops-admin\", \"trust\": [\"stepping-stone\"]}").expect(201);
            attach(quarry, "AdministratorAccess", "principal", "ops-admin");
            assertThat(quarry.call("POST", "/admin/roles", gina, "{\"name\": \"stepping-stone\", \"trust\": [\"gina\"]}")
                    .expect(403).path("error").path("message").asText()).contains("act as role 'ops-admin'");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void taggingIsWeighedWithTheTagsItWouldSet(String target) {
        try (TestQuarry quarry = start(target)) {
            policy(quarry, "PlatformAdmin", """
                    {"Statement": [{"Sid": "Platform", "Effect": "Allow", "Action": "quarry:*", "Resource": "*",
                      "Condition": {"StringEquals": {"quarry:PrincipalTag/team": "platform"}}}]}""");
            attach(quarry, "PlatformAdmin", "group", "users");
            String tina = quarry.newKey("tina");
            policy(quarry, "TagSelf", "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"quarry:TagPrincipal\", \"Resource\": \"principal/tina\"}]}");
            attach(quarry, "TagSelf", "principal", "tina");

            assertThat(quarry.call("PUT", "/admin/principals/tina/tags", tina, "{\"tags\": {\"team\": \"platform\"}}").expect(403)
                    .path("error").path("message").asText()).contains("statement 'Platform' of policy 'PlatformAdmin'");
            quarry.call("PUT", "/admin/principals/tina/tags", tina, "{\"tags\": {\"team\": \"search\"}}").expect(200);
            quarry.call("GET", "/admin/principals", tina, null).expect(403);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aDeniedTargetIsNotActedOnAndAppliedDeniesAreNotLifted(String target) {
        try (TestQuarry quarry = start(target)) {
            String olivia = opsMember(quarry, "olivia");
            String adminKey = quarry.admin("POST", "/admin/principals/admin/keys", null).expect(201).path("key_id").asText();

            // Acting on the admin through a resource of another type.
            quarry.call("PUT", "/admin/policies/lockout", olivia, "{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\"}]}")
                    .expect(200);
            assertThat(quarry.call("POST", "/admin/policies/lockout/attachments", olivia, "{\"target_type\": \"principal\", \"target_name\": \"admin\"}")
                    .expect(403).path("error").path("message").asText()).isEqualTo(
                            "quarry:AttachPolicy on principal/admin is denied by statement 'NotAdmin' of policy 'DenyAdmin'.");
            quarry.call("DELETE", "/admin/keys/" + adminKey, olivia, null).expect(403);
            quarry.call("POST", "/admin/keys/" + adminKey + "/disable", olivia, null).expect(403);
            quarry.call("PUT", "/admin/groups/ops/members/admin", olivia, null).expect(403);

            // Lifting the Deny that holds her back, four ways.
            assertThat(quarry.call("DELETE", "/admin/policies/DenyAdmin/attachments", olivia, "{\"target_type\": \"group\", \"target_name\": \"restricted\"}")
                    .expect(403).path("error").path("message").asText()).contains("no longer denied by statement 'NotAdmin'");
            quarry.call("PUT", "/admin/policies/DenyAdmin", olivia, DENY_ADMIN.replace("principal/admin", "principal/nobody")).expect(403);
            quarry.call("DELETE", "/admin/groups/restricted/members/olivia", olivia, null).expect(403);
            quarry.call("DELETE", "/admin/groups/restricted", olivia, null).expect(403);
            quarry.call("POST", "/admin/keys", olivia, "{\"name\": \"admin\"}").expect(403);
            // What lifts nothing still works.
            quarry.call("PUT", "/admin/policies/DenyAdmin", olivia, DENY_ADMIN).expect(200);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aRoleIsAuthorizedAsARoleOnThePrincipalRoutes(String target) {
        try (TestQuarry quarry = start(target)) {
            quarry.admin("POST", "/admin/roles", "{\"name\": \"r2\"}").expect(201);
            String mallory = quarry.newKey("mallory");
            policy(quarry, "AllButR2", """
                    {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
                                   {"Sid": "KeepR2", "Effect": "Deny", "Action": "*", "Resource": "role/r2"}]}""");
            attach(quarry, "AllButR2", "principal", "mallory");
            quarry.call("DELETE", "/admin/roles/r2", mallory, null).expect(403);
            assertThat(quarry.call("DELETE", "/admin/principals/r2", mallory, null).expect(403).path("error").path("message").asText())
                    .isEqualTo("quarry:DeletePrincipal on role/r2 is denied by statement 'KeepR2' of policy 'AllButR2'.");
            quarry.call("PUT", "/admin/principals/r2/tags", mallory, "{\"tags\": {\"team\": \"x\"}}").expect(403);
            quarry.call("PUT", "/admin/principals/r2/boundary", mallory, "{\"policy\": \"AllButR2\"}").expect(403);
            // Attaching, detaching and membership act on the role as much as the principal routes do.
            policy(quarry, "R2Models", "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"quarry:InvokeModel\", \"Resource\": \"*\"}]}");
            attach(quarry, "R2Models", "principal", "r2");
            policy(quarry, "Lock", "{\"Statement\": [{\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\"}]}");
            quarry.admin("POST", "/admin/groups", "{\"name\": \"g\"}").expect(201);
            String r2 = "{\"target_type\": \"principal\", \"target_name\": \"r2\"}";
            assertThat(quarry.call("POST", "/admin/policies/Lock/attachments", mallory, r2).expect(403).path("error").path("message").asText())
                    .isEqualTo("quarry:AttachPolicy on role/r2 is denied by statement 'KeepR2' of policy 'AllButR2'.");
            quarry.call("DELETE", "/admin/policies/R2Models/attachments", mallory, r2).expect(403);
            quarry.call("PUT", "/admin/groups/g/members/r2", mallory, null).expect(403);
            quarry.admin("PUT", "/admin/groups/g/members/r2", null).expect(200);
            quarry.call("DELETE", "/admin/groups/g/members/r2", mallory, null).expect(403);
            quarry.admin("GET", "/admin/principals/r2", null).expect(200);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aDenyUnderOtherConditionsThanTheCallsLeavesTheCallerItsPower(String target) {
        try (TestQuarry quarry = start(target)) {
            // The bootstrap admin keeps itself to the office; its calls come from loopback, inside it.
            policy(quarry, "AdminFromOffice", OFFICE_ONLY.formatted("[\"127.0.0.0/8\", \"::1/128\"]"));
            attach(quarry, "AdminFromOffice", "principal", "admin");

            policy(quarry, "UsageReader", "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"quarry:ReadUsage\", \"Resource\": \"*\"}]}");
            policy(quarry, "AdminFromOffice", OFFICE_ONLY.formatted("[\"0.0.0.0/0\", \"::/0\"]"));
            quarry.admin("DELETE", "/admin/policies/AdminFromOffice/attachments", "{\"target_type\": \"principal\", \"target_name\": \"admin\"}")
                    .expect(204);

            // Denied an action under this call's conditions, the admin does not hold it to hand on.
            policy(quarry, "NoKeysFromHere", """
                    {"Statement": [{"Sid": "NotHere", "Effect": "Deny", "Action": "quarry:ListKeys", "Resource": "*",
                      "Condition": {"IpAddress": {"quarry:SourceIp": ["127.0.0.0/8", "::1/128"]}}}]}""");
            attach(quarry, "NoKeysFromHere", "principal", "admin");
            assertThat(quarry.admin("PUT", "/admin/policies/KeyLister", LIST_KEYS).expect(403).path("error").path("message").asText())
                    .contains("would allow quarry:ListKeys", "quarry:ListKeys on * is denied by statement 'NotHere' of policy 'NoKeysFromHere'");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aRestrictionTheCallerSharesWithTheGranteeIsNoReasonToRefuse(String target) {
        try (TestQuarry quarry = start(target)) {
            String olivia = opsMember(quarry, "olivia");
            // Her own Deny, carried by what she grants, holds the grantee back as it holds her.
            quarry.call("PUT", "/admin/policies/sock-all", olivia, """
                    {"Statement": [{"Sid": "All", "Effect": "Allow", "Action": "*", "Resource": "*"},
                                   {"Sid": "NotAdmin", "Effect": "Deny", "Action": "*", "Resource": "principal/admin"}]}""").expect(200);
            quarry.call("POST", "/admin/keys", olivia, "{\"name\": \"sock\"}").expect(201);
            quarry.call("POST", "/admin/policies/sock-all/attachments", olivia, "{\"target_type\": \"principal\", \"target_name\": \"sock\"}")
                    .expect(200);
            // Without it, the grantee would be free where she is not.
            quarry.call("PUT", "/admin/policies/sock-all", olivia, ALLOW_ALL).expect(403);
        }
    }

    private static TestQuarry start(String target) {
        return TestQuarry.start("store: { url: \"" + StoreTargets.freshUrl(target) + "\" }", Map.of());
    }

    /** A user in 'ops' (allowed everything) and 'restricted' (denied everything on principal/admin). */
    private static String opsMember(TestQuarry quarry, String name) {
        String key = quarry.newKey(name);
        for (String group : new String[] {"ops", "restricted"}) {
            quarry.admin("POST", "/admin/groups", "{\"name\": \"" + group + "\"}").expect(201);
            quarry.admin("PUT", "/admin/groups/" + group + "/members/" + name, null).expect(200);
        }
        policy(quarry, "OpsAll", ALLOW_ALL);
        policy(quarry, "DenyAdmin", DENY_ADMIN);
        attach(quarry, "OpsAll", "group", "ops");
        attach(quarry, "DenyAdmin", "group", "restricted");
        return key;
    }

    private static void policy(TestQuarry quarry, String name, String document) {
        quarry.admin("PUT", "/admin/policies/" + name, document).expect(200);
    }

    private static void attach(TestQuarry quarry, String policy, String type, String name) {
        quarry.admin("POST", "/admin/policies/" + policy + "/attachments",
                "{\"target_type\": \"" + type + "\", \"target_name\": \"" + name + "\"}").expect(200);
    }
}
