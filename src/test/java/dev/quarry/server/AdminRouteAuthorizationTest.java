package dev.quarry.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.quarry.testing.JsonCalls;
import dev.quarry.testing.StoreTargets;
import dev.quarry.testing.TestQuarry;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.lang.reflect.Constructor;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every admin route is authorized on the exact resource its handler acts on: a caller allowed
 * {@code quarry:*} on {@code *} but denied one route's action on that route's exact resource gets a
 * 403 in the route's error shape, and the store is left exactly as it was. The table names every
 * route, and for a route that also acts on a principal or group (attaching, membership, a key's
 * owner) a Deny on that target is walked too, and again with a role as the principal ({@link #ON_A_ROLE});
 * {@link #theTableNamesEveryAdminRoute} fails when a route is registered that it lacks.
 */
class AdminRouteAuthorizationTest {
    private static final String APPLY_BODY = "{\"source\": \"INPUT\", \"content\": [{\"text\": {\"text\": \"hello\"}}]}";
    private static final String GUARDRAIL = """
            {"name": "%s", "blockedInputMessaging": "in", "blockedOutputsMessaging": "out"}""";

    /**
     * One route: how it is registered, a call that would change (or reveal) something if allowed,
     * and the action and exact resource that call acts on, and {@code target}, the principal or group
     * it acts on as well ({@code null} if none): a Deny on either refuses it. {@code KEY} in a path is
     * the victim's key id, {@code BUDGET} the budget's id.
     */
    record Route(String method, String pattern, String path, String body, String action, String resource, String target) {
        Route(String method, String pattern, String path, String body, String action, String resource) {
            this(method, pattern, path, body, action, resource, null);
        }

        List<String> resources() {
            return target == null ? List.of(resource) : List.of(resource, target);
        }

        @Override
        public String toString() {
            return method + " " + pattern;
        }
    }

    static final List<Route> ROUTES = List.of(
            new Route("GET", "/admin/policies", "/admin/policies", null, "quarry:ListPolicies", "policy/*"),
            new Route("POST", "/admin/policies/simulate", "/admin/policies/simulate",
                    "{\"principal\": \"victim\", \"action\": \"quarry:ListModels\", \"resource\": \"*\"}", "quarry:SimulatePolicy", "principal/victim"),
            new Route("PUT", "/admin/policies/{name}", "/admin/policies/Fresh",
                    "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"quarry:ListModels\", \"Resource\": \"*\"}]}", "quarry:PutPolicy", "policy/Fresh"),
            new Route("GET", "/admin/policies/{name}", "/admin/policies/Attached", null, "quarry:GetPolicy", "policy/Attached"),
            new Route("DELETE", "/admin/policies/{name}", "/admin/policies/Spare", null, "quarry:DeletePolicy", "policy/Spare"),
            new Route("POST", "/admin/policies/{name}/attachments", "/admin/policies/Spare/attachments",
                    "{\"target_type\": \"principal\", \"target_name\": \"victim\"}", "quarry:AttachPolicy", "policy/Spare", "principal/victim"),
            new Route("DELETE", "/admin/policies/{name}/attachments", "/admin/policies/Attached/attachments",
                    "{\"target_type\": \"principal\", \"target_name\": \"victim\"}", "quarry:DetachPolicy", "policy/Attached", "principal/victim"),
            new Route("PUT", "/admin/principals/{name}/boundary", "/admin/principals/victim/boundary", "{\"policy\": \"Spare\"}",
                    "quarry:PutPermissionBoundary", "principal/victim"),
            new Route("POST", "/admin/principals", "/admin/principals", "{\"name\": \"newcomer\"}", "quarry:CreatePrincipal", "principal/newcomer"),
            new Route("GET", "/admin/principals", "/admin/principals", null, "quarry:ListPrincipals", "principal/*"),
            new Route("GET", "/admin/principals/{name}", "/admin/principals/victim", null, "quarry:GetPrincipal", "principal/victim"),
            new Route("DELETE", "/admin/principals/{name}", "/admin/principals/victim", null, "quarry:DeletePrincipal", "principal/victim"),
            new Route("PUT", "/admin/principals/{name}/tags", "/admin/principals/victim/tags", "{\"tags\": {\"team\": \"red\"}}",
                    "quarry:TagPrincipal", "principal/victim"),
            new Route("POST", "/admin/principals/{name}/keys", "/admin/principals/victim/keys", null, "quarry:CreateKey", "principal/victim"),
            new Route("POST", "/admin/keys", "/admin/keys", "{\"name\": \"admin\"}", "quarry:CreateKey", "principal/admin"),
            new Route("GET", "/admin/principals/{name}/keys", "/admin/principals/victim/keys", null, "quarry:ListKeys", "principal/victim"),
            new Route("POST", "/admin/groups", "/admin/groups", "{\"name\": \"newgroup\"}", "quarry:CreateGroup", "group/newgroup"),
            new Route("GET", "/admin/groups", "/admin/groups", null, "quarry:ListGroups", "group/*"),
            new Route("GET", "/admin/groups/{name}", "/admin/groups/ops", null, "quarry:GetGroup", "group/ops"),
            new Route("DELETE", "/admin/groups/{name}", "/admin/groups/ops", null, "quarry:DeleteGroup", "group/ops"),
            new Route("PUT", "/admin/groups/{name}/members/{principal}", "/admin/groups/ops/members/bystander", null,
                    "quarry:AddToGroup", "group/ops", "principal/bystander"),
            new Route("DELETE", "/admin/groups/{name}/members/{principal}", "/admin/groups/ops/members/victim", null,
                    "quarry:RemoveFromGroup", "group/ops", "principal/victim"),
            new Route("POST", "/admin/roles", "/admin/roles", "{\"name\": \"newrole\", \"trust\": [\"mallory\"]}", "quarry:CreateRole", "role/newrole"),
            new Route("DELETE", "/admin/roles/{name}", "/admin/roles/deployer", null, "quarry:DeleteRole", "role/deployer"),
            new Route("POST", "/admin/keys/{id}/disable", "/admin/keys/KEY/disable", null, "quarry:DisableKey", "key/KEY", "principal/victim"),
            new Route("POST", "/admin/keys/{id}/enable", "/admin/keys/DISABLED/enable", null, "quarry:EnableKey", "key/DISABLED", "principal/victim"),
            new Route("DELETE", "/admin/keys/{id}", "/admin/keys/KEY", null, "quarry:DeleteKey", "key/KEY", "principal/victim"),
            new Route("POST", "/sts/assume-role", "/sts/assume-role", "{\"role\": \"deployer\"}", "quarry:AssumeRole", "role/deployer"),
            new Route("GET", "/admin/prices", "/admin/prices", null, "quarry:GetPrices", "pricing/*"),
            new Route("PUT", "/admin/prices", "/admin/prices", """
                    {"prices": [{"model": "quarry/echo", "platform": "local", "effective_from": "2031-01-01", "input": 1, "output": 8}]}""",
                    "quarry:PutPrices", "pricing/*"),
            new Route("GET", "/admin/usage/report", "/admin/usage/report?by=principal&from=2020-01-01&to=2030-01-01", null,
                    "quarry:ReadUsage", "usage/*"),
            new Route("GET", "/admin/commitments", "/admin/commitments", null, "quarry:ListCommitments", "commitment/*"),
            new Route("POST", "/admin/commitments", "/admin/commitments", """
                    {"name": "c1", "amount_usd": 100, "start": "2030-01-01", "end": "2031-01-01", "discount_rate": 0.1}""",
                    "quarry:CreateCommitment", "commitment/*"),
            new Route("POST", "/admin/budgets", "/admin/budgets",
                    "{\"name\": \"more\", \"scope\": \"organisation\", \"period\": \"month\", \"limit_usd\": \"5\"}", "quarry:PutBudget", "budget/*"),
            new Route("GET", "/admin/budgets", "/admin/budgets", null, "quarry:ReadBudget", "budget/*"),
            new Route("GET", "/admin/budgets/{id}", "/admin/budgets/BUDGET", null, "quarry:ReadBudget", "budget/BUDGET"),
            new Route("DELETE", "/admin/budgets/{id}", "/admin/budgets/BUDGET", null, "quarry:DeleteBudget", "budget/BUDGET"),
            new Route("GET", "/admin/budgets/{id}/status", "/admin/budgets/BUDGET/status", null, "quarry:ReadBudget", "budget/BUDGET"),
            // Guardrail ids are authorized as stored: lower-cased, so no spelling gets around a Deny.
            new Route("POST", "/guardrail/*", "/guardrail/GR/version/1/apply", APPLY_BODY, "quarry:ApplyGuardrail", "guardrail/gr"),
            new Route("GET", "/admin/guardrails", "/admin/guardrails", null, "quarry:ListGuardrails", "guardrail/*"),
            new Route("POST", "/admin/guardrails", "/admin/guardrails", GUARDRAIL.formatted("Fresh"), "quarry:CreateGuardrail", "guardrail/fresh"),
            new Route("GET", "/admin/guardrails/{id}", "/admin/guardrails/GR", null, "quarry:GetGuardrail", "guardrail/gr"),
            new Route("PUT", "/admin/guardrails/{id}", "/admin/guardrails/GR", GUARDRAIL.formatted("gr"), "quarry:UpdateGuardrail", "guardrail/gr"),
            new Route("DELETE", "/admin/guardrails/{id}", "/admin/guardrails/GR", null, "quarry:DeleteGuardrail", "guardrail/gr"),
            new Route("POST", "/admin/guardrails/{id}/versions", "/admin/guardrails/GR/versions", null,
                    "quarry:CreateGuardrailVersion", "guardrail/gr"),
            new Route("GET", "/admin/experiments/report", "/admin/experiments/report?experiment=exp1&from=2020-01-01&to=2030-01-01", null,
                    "quarry:ReadExperiments", "experiment/exp1"),
            new Route("GET", "/admin/audit", "/admin/audit?principal=victim", null, "quarry:ReadAudit", "audit/*"),
            new Route("GET", "/admin/models", "/admin/models", null, "quarry:ReadCatalog", "model/*"),
            new Route("GET", "/admin/cost/whatif", "/admin/cost/whatif?from=2020-01-01&to=2030-01-01&model=quarry/echo", null,
                    "quarry:ReadUsage", "usage/*"));

    /**
     * The routes that act on a principal, naming a role: each is authorized on {@code role/NAME} as
     * well, so a Deny on the role holds whichever route reaches it. {@code SESSION} and
     * {@code PAUSED} are the ids of two of the role's session keys, the second disabled.
     */
    static final List<Route> ON_A_ROLE = List.of(
            new Route("POST", "/admin/policies/{name}/attachments", "/admin/policies/Spare/attachments",
                    "{\"target_type\": \"principal\", \"target_name\": \"deployer\"}", "quarry:AttachPolicy", "policy/Spare", "role/deployer"),
            new Route("DELETE", "/admin/policies/{name}/attachments", "/admin/policies/Attached/attachments",
                    "{\"target_type\": \"principal\", \"target_name\": \"deployer\"}", "quarry:DetachPolicy", "policy/Attached", "role/deployer"),
            new Route("POST", "/admin/policies/simulate", "/admin/policies/simulate",
                    "{\"principal\": \"deployer\", \"action\": \"quarry:ListModels\", \"resource\": \"*\"}",
                    "quarry:SimulatePolicy", "principal/deployer", "role/deployer"),
            new Route("PUT", "/admin/principals/{name}/boundary", "/admin/principals/deployer/boundary", "{\"policy\": \"Spare\"}",
                    "quarry:PutPermissionBoundary", "principal/deployer", "role/deployer"),
            new Route("GET", "/admin/principals/{name}", "/admin/principals/deployer", null, "quarry:GetPrincipal", "principal/deployer", "role/deployer"),
            new Route("DELETE", "/admin/principals/{name}", "/admin/principals/deployer", null,
                    "quarry:DeletePrincipal", "principal/deployer", "role/deployer"),
            new Route("PUT", "/admin/principals/{name}/tags", "/admin/principals/deployer/tags", "{\"tags\": {\"team\": \"red\"}}",
                    "quarry:TagPrincipal", "principal/deployer", "role/deployer"),
            new Route("POST", "/admin/principals/{name}/keys", "/admin/principals/deployer/keys", null,
                    "quarry:CreateKey", "principal/deployer", "role/deployer"),
            new Route("POST", "/admin/keys", "/admin/keys", "{\"name\": \"deployer\"}", "quarry:CreateKey", "principal/deployer", "role/deployer"),
            new Route("GET", "/admin/principals/{name}/keys", "/admin/principals/deployer/keys", null,
                    "quarry:ListKeys", "principal/deployer", "role/deployer"),
            new Route("PUT", "/admin/groups/{name}/members/{principal}", "/admin/groups/crew/members/deployer", null,
                    "quarry:AddToGroup", "group/crew", "role/deployer"),
            new Route("DELETE", "/admin/groups/{name}/members/{principal}", "/admin/groups/ops/members/deployer", null,
                    "quarry:RemoveFromGroup", "group/ops", "role/deployer"),
            new Route("POST", "/admin/keys/{id}/disable", "/admin/keys/SESSION/disable", null, "quarry:DisableKey", "key/SESSION", "role/deployer"),
            new Route("POST", "/admin/keys/{id}/enable", "/admin/keys/PAUSED/enable", null, "quarry:EnableKey", "key/PAUSED", "role/deployer"),
            new Route("DELETE", "/admin/keys/{id}", "/admin/keys/SESSION", null, "quarry:DeleteKey", "key/SESSION", "role/deployer"));

    @Test
    void theTableNamesEveryAdminRoute() {
        Set<String> inTable = ROUTES.stream().map(Route::toString).collect(Collectors.toCollection(TreeSet::new));
        assertThat(inTable).hasSameSizeAs(ROUTES).containsExactlyElementsOf(registeredAdminRoutes());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.quarry.testing.StoreTargets#names")
    void aDenyOnTheExactResourceRefusesEveryAdminRouteAndChangesNothing(String target) throws Exception {
        String url = StoreTargets.freshUrl(target);
        try (TestQuarry quarry = TestQuarry.start("store: { url: \"" + url + "\" }", Map.of())) {
            Fixture fixture = Fixture.create(quarry);
            List<String> unrefused = new ArrayList<>();
            for (Route route : Stream.concat(ROUTES.stream(), ON_A_ROLE.stream()).toList()) for (String denied : route.resources()) {
                String resource = fixture.fill(denied);
                quarry.admin("PUT", "/admin/policies/DenyOne", """
                        {"Statement": [{"Sid": "DenyThis", "Effect": "Deny", "Action": "%s", "Resource": "%s"}]}"""
                        .formatted(route.action(), resource)).expect(200);
                Map<String, List<List<String>>> before = snapshot(url);
                JsonCalls.Reply reply = quarry.call(route.method(), fixture.fill(route.path()), fixture.malloryKey(), route.body());
                String refusal = route.action() + " on " + resource + " is denied by statement 'DenyThis' of policy 'DenyOne'.";
                if (reply.status() != 403 || !message(route, reply.json()).equals(refusal)) {
                    unrefused.add(route + " denied on " + resource + " -> " + reply.status() + " " + reply.body());
                }
                assertThat(snapshot(url)).as("the store after %s denied on %s", route, resource).isEqualTo(before);
            }
            assertThat(unrefused).isEmpty();
        }
    }

    /** The refusal's message, read from the route's own error shape: Bedrock's for ApplyGuardrail, OpenAI's elsewhere. */
    private static String message(Route route, JsonNode body) {
        if (route.pattern().startsWith("/guardrail/")) return body.path("message").asText();
        assertThat(body.path("error").path("type").asText()).as(route.toString()).isEqualTo("permission_error");
        return body.path("error").path("message").asText();
    }

    /**
     * What exists before the walk: a victim with keys, groups, a role in one of them with a policy
     * and two sessions (one disabled), policies, a budget and a published guardrail.
     */
    private record Fixture(String malloryKey, String keyId, String disabledKeyId, String sessionKeyId, String pausedSessionKeyId, String budgetId) {
        static Fixture create(TestQuarry quarry) {
            quarry.admin("POST", "/admin/principals", "{\"name\": \"victim\"}").expect(201);
            quarry.admin("POST", "/admin/principals", "{\"name\": \"bystander\"}").expect(201);
            String keyId = quarry.admin("POST", "/admin/principals/victim/keys", null).expect(201).path("key_id").asText();
            String disabled = quarry.admin("POST", "/admin/principals/victim/keys", null).expect(201).path("key_id").asText();
            quarry.admin("POST", "/admin/keys/" + disabled + "/disable", null).expect(200);
            quarry.admin("POST", "/admin/groups", "{\"name\": \"ops\"}").expect(201);
            quarry.admin("PUT", "/admin/groups/ops/members/victim", null).expect(200);
            String policy = "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"quarry:ListModels\", \"Resource\": \"*\"}]}";
            quarry.admin("PUT", "/admin/policies/Attached", policy).expect(200);
            quarry.admin("PUT", "/admin/policies/Spare", policy).expect(200);
            quarry.admin("POST", "/admin/policies/Attached/attachments", "{\"target_type\": \"principal\", \"target_name\": \"victim\"}").expect(200);
            String budget = quarry.admin("POST", "/admin/budgets", """
                    {"name": "org", "scope": "organisation", "period": "month", "limit_usd": "50"}""").expect(201).path("id").asText();
            quarry.admin("POST", "/admin/guardrails", GUARDRAIL.formatted("gr")).expect(201);
            quarry.admin("POST", "/admin/guardrails/gr/versions", null).expect(201);

            String mallory = quarry.admin("POST", "/admin/keys", "{\"name\": \"mallory\"}").expect(201).path("api_key").asText();
            quarry.admin("POST", "/admin/roles", "{\"name\": \"deployer\", \"trust\": [\"mallory\"]}").expect(201);
            quarry.admin("POST", "/admin/groups", "{\"name\": \"crew\"}").expect(201);
            quarry.admin("PUT", "/admin/groups/ops/members/deployer", null).expect(200);
            quarry.admin("POST", "/admin/policies/Attached/attachments", "{\"target_type\": \"principal\", \"target_name\": \"deployer\"}")
                    .expect(200);
            quarry.admin("PUT", "/admin/policies/Everything", """
                    {"Statement": [{"Sid": "All", "Effect": "Allow", "Action": "quarry:*", "Resource": "*"}]}""").expect(200);
            quarry.admin("PUT", "/admin/policies/DenyOne", """
                    {"Statement": [{"Sid": "DenyThis", "Effect": "Deny", "Action": "quarry:ListModels", "Resource": "*"}]}""").expect(200);
            for (String p : List.of("Everything", "DenyOne")) {
                quarry.admin("POST", "/admin/policies/" + p + "/attachments", "{\"target_type\": \"principal\", \"target_name\": \"mallory\"}")
                        .expect(200);
            }
            for (int i = 0; i < 2; i++) quarry.call("POST", "/sts/assume-role", mallory, "{\"role\": \"deployer\"}").expect(200);
            List<String> sessions = new ArrayList<>();
            quarry.admin("GET", "/admin/principals/deployer/keys", null).expect(200).path("keys").forEach(k -> sessions.add(k.path("key_id").asText()));
            assertThat(sessions).hasSize(2);
            quarry.admin("POST", "/admin/keys/" + sessions.get(1) + "/disable", null).expect(200);
            return new Fixture(mallory, keyId, disabled, sessions.get(0), sessions.get(1), budget);
        }

        String fill(String template) {
            return template.replace("DISABLED", disabledKeyId).replace("KEY", keyId).replace("BUDGET", budgetId)
                    .replace("SESSION", sessionKeyId).replace("PAUSED", pausedSessionKeyId);
        }
    }

    /**
     * The admin routes the server registers: those of every HTTP service served through
     * {@link PlatformCalls} and invoking no model, as each declares them to a recording {@link HttpRules}
     * (the model surfaces' own routes — model lists, token counts, feedback — are walked by their own tests).
     */
    private static Set<String> registeredAdminRoutes() {
        Set<String> routes = new TreeSet<>();
        HttpRules recorder = (HttpRules) Proxy.newProxyInstance(HttpRules.class.getClassLoader(), new Class<?>[] {HttpRules.class},
                (proxy, method, args) -> {
                    if (args != null && args.length > 0 && args[0] instanceof String pattern) {
                        routes.add(method.getName().toUpperCase(Locale.ROOT) + " " + pattern);
                    }
                    return method.getReturnType().isInstance(proxy) ? proxy : null;
                });
        for (JavaClass type : new ClassFileImporter().importPackages("dev.quarry.server")) {
            boolean admin = type.isAssignableTo(HttpService.class)
                    && type.getAllFields().stream().anyMatch(f -> f.getRawType().isEquivalentTo(PlatformCalls.class))
                    && type.getAllFields().stream().noneMatch(f -> f.getRawType().isEquivalentTo(ModelCalls.class));
            if (admin) routingOf(type.reflect()).routing(recorder);
        }
        // A caller's own routes, OpenAI's and Amazon Bedrock's trees (managed agents), are not administration.
        routes.removeIf(route -> route.contains(" /v1/") || route.contains(" /openai/v1/"));
        assertThat(routes).as("admin routes found").hasSizeGreaterThan(40);
        return routes;
    }

    /** A service built with nothing behind it: declaring routes touches none of its parts. */
    private static HttpService routingOf(Class<?> type) {
        try {
            Constructor<?> constructor = type.getDeclaredConstructors()[0];
            constructor.setAccessible(true);
            return (HttpService) constructor.newInstance(new Object[constructor.getParameterCount()]);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(type.getName(), e);
        }
    }

    /**
     * Every row of every table but the audit trail's (which records the refusals), and without the
     * times keys were last used (the caller's own key is used).
     */
    private static Map<String, List<List<String>>> snapshot(String url) throws SQLException {
        Map<String, List<List<String>>> tables = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(url)) {
            List<String> names = new ArrayList<>();
            try (ResultSet r = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
                while (r.next()) {
                    String schema = r.getString("TABLE_SCHEM");
                    if (schema == null || schema.equals("public")) names.add(r.getString("TABLE_NAME"));
                }
            }
            for (String table : names) {
                if (table.startsWith("audit_")) continue;
                List<List<String>> rows = new ArrayList<>();
                try (var s = c.createStatement(); ResultSet r = s.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData columns = r.getMetaData();
                    while (r.next()) {
                        List<String> row = new ArrayList<>();
                        for (int i = 1; i <= columns.getColumnCount(); i++) {
                            if (!columns.getColumnName(i).equalsIgnoreCase("last_used_at")) row.add(String.valueOf(r.getObject(i)));
                        }
                        rows.add(row);
                    }
                }
                rows.sort((a, b) -> a.toString().compareTo(b.toString()));
                tables.put(table, rows);
            }
        }
        assertThat(tables).containsKeys("principals", "api_keys", "policies", "budgets", "store_versions");
        return tables;
    }
}
