package dev.quarry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.QuarryException;
import dev.quarry.identity.Groups;
import dev.quarry.identity.IdentityAdmin;
import dev.quarry.identity.Principal;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.policy.Actions;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin API for identities over HTTP: principals and their tags, groups, roles, keys, and STS's
 * assume-role, as paths and bodies to {@link IdentityAdmin} calls and JSON replies. Each route is
 * an action authorized and audited by {@link PlatformCalls}; errors are OpenAI-shaped.
 */
final class IdentityAdminRoutes implements HttpService {
    private final PlatformCalls calls;
    private final IdentityAdmin identities;
    private final Clock clock;

    IdentityAdminRoutes(PlatformCalls calls, IdentityAdmin identities, Clock clock) {
        this.calls = calls;
        this.identities = identities;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/admin/principals", this::createPrincipal)
                .get("/admin/principals", this::listPrincipals)
                .get("/admin/principals/{name}", this::getPrincipal)
                .delete("/admin/principals/{name}", this::deletePrincipal)
                .put("/admin/principals/{name}/tags", this::tag)
                .post("/admin/principals/{name}/keys", this::createKey)
                .post("/admin/keys", this::createUserKey)
                .get("/admin/principals/{name}/keys", this::listKeys)
                .post("/admin/groups", this::createGroup)
                .get("/admin/groups", this::listGroups)
                .get("/admin/groups/{name}", this::getGroup)
                .delete("/admin/groups/{name}", this::deleteGroup)
                .put("/admin/groups/{name}/members/{principal}", this::addMember)
                .delete("/admin/groups/{name}/members/{principal}", this::removeMember)
                .post("/admin/roles", this::createRole)
                .delete("/admin/roles/{name}", this::deleteRole)
                .post("/admin/keys/{id}/disable", this::disableKey)
                .post("/admin/keys/{id}/enable", this::enableKey)
                .delete("/admin/keys/{id}", this::deleteKey)
                .post("/sts/assume-role", this::assumeRole);
    }

    /** Body: {@code {"name", "kind": "user"|"service"|"agent" (default user), "tags": {"key": "value"}}}. */
    private void createPrincipal(ServerRequest req, ServerResponse res) {
        calls.serveNamedInBody(req, res, "quarry:CreatePrincipal", "principal", IdentityAdminRoutes::name, call -> {
            ObjectNode body = call.body().get();
            String kind = Json.optText(body, "kind", "kind");
            return json(201, principal(identities.createPrincipal(call.name(), kind == null ? PrincipalKind.USER : PrincipalKind.creatable(kind),
                    tags(body))));
        });
    }

    private void listPrincipals(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, "quarry:ListPrincipals", "principal/*", call -> {
            ObjectNode reply = Json.object();
            ArrayNode list = reply.putArray("principals");
            identities.principals().forEach(p -> list.add(principal(p)));
            return json(200, reply);
        });
    }

    private void getPrincipal(ServerRequest req, ServerResponse res) {
        String name = param(req, "name");
        calls.serve(req, res, "quarry:GetPrincipal", "principal/" + name, call -> {
            IdentityAdmin.Membership found = identities.principal(call, name);
            ObjectNode reply = principal(found.principal());
            found.groups().forEach(reply.putArray("groups")::add);
            return json(200, reply);
        });
    }

    private void deletePrincipal(ServerRequest req, ServerResponse res) {
        String name = param(req, "name");
        calls.serve(req, res, "quarry:DeletePrincipal", "principal/" + name, call -> {
            identities.deletePrincipal(call, name);
            return noContent();
        });
    }

    /** Body: {@code {"tags": {"key": "value"}, "remove": ["key"]}}; tags not named stay as they are. */
    private void tag(ServerRequest req, ServerResponse res) {
        String name = param(req, "name");
        calls.serve(req, res, "quarry:TagPrincipal", "principal/" + name, call -> {
            ObjectNode body = call.body().get();
            List<String> remove = Json.optArray(body, "remove", "remove").stream().map(key -> text(key, "remove")).toList();
            return json(200, principal(identities.tag(call, name, tags(body), remove)));
        });
    }

    /** Body (optional): {@code {"description", "expires_in_seconds"}}: another key, so keys can be rotated with both live. */
    private void createKey(ServerRequest req, ServerResponse res) {
        String name = param(req, "name");
        calls.serve(req, res, "quarry:CreateKey", "principal/" + name, call -> {
            ObjectNode body = req.content().hasEntity() ? call.body().get() : Json.object();
            Integer expiresIn = Json.optInt(body, "expires_in_seconds", "expires_in_seconds", 60);
            return json(201, KeyJson.of(identities.createKey(call, name, expiresIn == null ? null : Duration.ofSeconds(expiresIn),
                    Json.optText(body, "description", "description"))));
        });
    }

    /** Body: {@code {"name"}}: a key for that principal, made a user if it is new — an operator's first call. */
    private void createUserKey(ServerRequest req, ServerResponse res) {
        calls.serveNamedInBody(req, res, "quarry:CreateKey", "principal", IdentityAdminRoutes::name,
                call -> json(201, KeyJson.of(identities.createUserKey(call, call.name()))));
    }

    private void listKeys(ServerRequest req, ServerResponse res) {
        String name = param(req, "name");
        calls.serve(req, res, "quarry:ListKeys", "principal/" + name, call -> {
            ObjectNode reply = Json.object();
            ArrayNode keys = reply.putArray("keys");
            identities.keys(call, name).forEach(k -> keys.add(KeyJson.listed(k, clock.instant())));
            return json(200, reply);
        });
    }

    private void disableKey(ServerRequest req, ServerResponse res) {
        String id = param(req, "id");
        calls.serve(req, res, "quarry:DisableKey", "key/" + id, call -> {
            identities.disableKey(call, id);
            return json(200, Json.object().put("key_id", id).put("status", "disabled"));
        });
    }

    private void enableKey(ServerRequest req, ServerResponse res) {
        String id = param(req, "id");
        calls.serve(req, res, "quarry:EnableKey", "key/" + id, call -> {
            identities.enableKey(call, id);
            return json(200, Json.object().put("key_id", id).put("status", "enabled"));
        });
    }

    private void deleteKey(ServerRequest req, ServerResponse res) {
        String id = param(req, "id");
        calls.serve(req, res, "quarry:DeleteKey", "key/" + id, call -> {
            identities.deleteKey(call, id);
            return noContent();
        });
    }

    /** Body: {@code {"name"}}. */
    private void createGroup(ServerRequest req, ServerResponse res) {
        calls.serveNamedInBody(req, res, "quarry:CreateGroup", "group", IdentityAdminRoutes::name,
                call -> json(201, group(identities.createGroup(call.name()))));
    }

    private void listGroups(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, "quarry:ListGroups", "group/*", call -> {
            ObjectNode reply = Json.object();
            ArrayNode groups = reply.putArray("groups");
            identities.groups().forEach(g -> groups.add(group(g)));
            return json(200, reply);
        });
    }

    private void getGroup(ServerRequest req, ServerResponse res) {
        String name = param(req, "name");
        calls.serve(req, res, "quarry:GetGroup", "group/" + name, call -> json(200, group(identities.group(name))));
    }

    private void deleteGroup(ServerRequest req, ServerResponse res) {
        String name = param(req, "name");
        calls.serve(req, res, "quarry:DeleteGroup", "group/" + name, call -> {
            identities.deleteGroup(call, name);
            return noContent();
        });
    }

    private void addMember(ServerRequest req, ServerResponse res) {
        String name = param(req, "name");
        calls.serve(req, res, "quarry:AddToGroup", "group/" + name,
                call -> json(200, group(identities.addMember(call, name, param(req, "principal")))));
    }

    private void removeMember(ServerRequest req, ServerResponse res) {
        String name = param(req, "name");
        calls.serve(req, res, "quarry:RemoveFromGroup", "group/" + name,
                call -> json(200, group(identities.removeMember(call, name, param(req, "principal")))));
    }

    /** Body: {@code {"name", "trust": ["principal", "group:NAME"], "tags": {...}}}. */
    private void createRole(ServerRequest req, ServerResponse res) {
        calls.serveNamedInBody(req, res, "quarry:CreateRole", "role", IdentityAdminRoutes::name, call -> {
            ObjectNode body = call.body().get();
            List<String> trust = Json.optArray(body, "trust", "trust").stream().map(entry -> text(entry, "trust")).toList();
            IdentityAdmin.CreatedRole created = identities.createRole(call, call.name(), trust, tags(body));
            ObjectNode reply = principal(created.role());
            created.trust().forEach(reply.putArray("trust")::add);
            return json(201, reply);
        });
    }

    private void deleteRole(ServerRequest req, ServerResponse res) {
        String name = param(req, "name");
        calls.serve(req, res, "quarry:DeleteRole", "role/" + name, call -> {
            identities.deleteRole(name);
            return noContent();
        });
    }

    /**
     * Body: {@code {"role", "duration_seconds"}}. Policy decides whether the caller may ask
     * ({@code quarry:AssumeRole} on {@code role/NAME}); the role's trust decides whether it consents.
     */
    private void assumeRole(ServerRequest req, ServerResponse res) {
        calls.serveNamedInBody(req, res, Actions.ASSUME_ROLE, "role", body -> Json.requireText(body, "role", "role"), call -> {
            Integer seconds = Json.optInt(call.body().get(), "duration_seconds", "duration_seconds", 1);
            return json(200, KeyJson.session(identities.assumeRole(call, call.name(), seconds == null ? null : Duration.ofSeconds(seconds))));
        });
    }

    /** The {@code name} a create call names its principal, group or role by; the store takes it as written. */
    private static String name(ObjectNode body) {
        return Json.requireText(body, "name", "name");
    }

    private static WireReply noContent() {
        return WireReply.json(204, new byte[0]);
    }

    private static ObjectNode principal(Principal p) {
        ObjectNode json = Json.object().put("id", p.id()).put("name", p.name()).put("kind", p.kind().wire());
        ObjectNode tags = json.putObject("tags");
        p.tags().forEach(tags::put);
        return json;
    }

    private static ObjectNode group(Groups.Group group) {
        ObjectNode json = Json.object().put("name", group.name());
        group.members().forEach(json.putArray("members")::add);
        return json;
    }

    private static Map<String, String> tags(ObjectNode body) {
        JsonNode tags = body.get("tags");
        if (tags == null || tags.isNull()) return Map.of();
        if (!tags.isObject()) throw QuarryException.invalid("tags", "'tags' must map tag keys to string values.");
        Map<String, String> result = new LinkedHashMap<>();
        for (var tag : tags.properties()) result.put(tag.getKey(), text(tag.getValue(), "tags." + tag.getKey()));
        return result;
    }

    private static String text(JsonNode node, String path) {
        if (!node.isTextual()) throw QuarryException.invalid(path, "'" + path + "' must be a string.");
        return node.textValue();
    }

    private static String param(ServerRequest req, String name) {
        return req.path().pathParameters().get(name);
    }

    private static WireReply json(int status, ObjectNode body) {
        return WireReply.json(status, Json.bytes(body));
    }
}
