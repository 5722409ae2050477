package dev.quarry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.gateway.PlatformContext;
import dev.quarry.identity.Groups;
import dev.quarry.identity.IdentityStore;
import dev.quarry.identity.IssuedKey;
import dev.quarry.identity.KeyTerms;
import dev.quarry.identity.Principal;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.identity.Roles;
import dev.quarry.policy.Actions;
import dev.quarry.policy.EscalationGuard;
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
import java.util.function.Consumer;

/**
 * The admin API for identities: principals and their tags, groups, roles, keys, and STS's
 * assume-role. Each route is an action authorized and audited by {@link PlatformCalls}; errors are
 * OpenAI-shaped. A call that acts on a principal besides its own resource (a member, a key's
 * owner, a role reached through the principal routes) is authorized on that too. Every change to
 * what a principal may do (membership, tags, a key, a role's trust, deleting a group) also passes
 * the {@link EscalationGuard}. A change is in force on this node when its call returns ({@code identityChanged}
 * drops this node's caches) and on other nodes within a poll of the identity version.
 */
final class IdentityAdminRoutes implements HttpService {
    private final PlatformCalls calls;
    private final IdentityStore identities;
    private final Consumer<IssuedKey> onKeyIssued;
    private final Runnable identityChanged;
    private final EscalationGuard guard;
    private final Clock clock;

    /**
     * @param onKeyIssued     remembers a new key, so its first use needs no lookup
     * @param identityChanged drops what this node remembers of identities
     */
    IdentityAdminRoutes(PlatformCalls calls, IdentityStore identities, Consumer<IssuedKey> onKeyIssued, Runnable identityChanged,
                        EscalationGuard guard, Clock clock) {
        this.calls = calls;
        this.identities = identities;
        this.onKeyIssued = onKeyIssued;
        this.identityChanged = identityChanged;
        this.guard = guard;
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
            Principal created = identities.createPrincipal(call.name(), kind == null ? PrincipalKind.USER : PrincipalKind.creatable(kind), tags(body));
            identityChanged.run();
            return json(201, principal(created));
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
            call.alsoAsRole(identities, name);
            Principal p = identities.principal(name).orElseThrow(() -> notFound("principal", name));
            ObjectNode reply = principal(p);
            ArrayNode groups = reply.putArray("groups");
            identities.groups().list().stream().filter(g -> g.members().contains(name)).forEach(g -> groups.add(g.name()));
            return json(200, reply);
        });
    }

    private void deletePrincipal(ServerRequest req, ServerResponse res) {
        String name = param(req, "name");
        calls.serve(req, res, "quarry:DeletePrincipal", "principal/" + name, call -> {
            call.alsoAsRole(identities, name);
            identities.deletePrincipal(name);
            return changed();
        });
    }

    /** Body: {@code {"tags": {"key": "value"}, "remove": ["key"]}}; tags not named stay as they are. */
    private void tag(ServerRequest req, ServerResponse res) {
        String name = param(req, "name");
        calls.serve(req, res, "quarry:TagPrincipal", "principal/" + name, call -> {
            call.alsoAsRole(identities, name);
            ObjectNode body = call.body().get();
            List<String> remove = Json.optArray(body, "remove", "remove").stream().map(key -> text(key, "remove")).toList();
            Map<String, String> set = tags(body);
            Principal p = identities.principal(name).orElseThrow(() -> notFound("principal", name));
            Map<String, String> after = new LinkedHashMap<>(p.tags());
            after.putAll(set);
            remove.forEach(after::remove);
            guard.checkTags(call.caller(), name, after, call.conditions());
            if (!set.isEmpty()) p = identities.tag(name, set);
            if (!remove.isEmpty()) p = identities.untag(name, remove);
            identityChanged.run();
            return json(200, principal(p));
        });
    }

    /** Body (optional): {@code {"description", "expires_in_seconds"}}: another key, so keys can be rotated with both live. */
    private void createKey(ServerRequest req, ServerResponse res) {
        String name = param(req, "name");
        calls.serve(req, res, "quarry:CreateKey", "principal/" + name, call -> {
            call.alsoAsRole(identities, name);
            ObjectNode body = req.content().hasEntity() ? call.body().get() : Json.object();
            Principal p = identities.principal(name).orElseThrow(() -> notFound("principal", name));
            guard.checkKeyFor(call.caller(), name, call.conditions());
            Integer expiresIn = Json.optInt(body, "expires_in_seconds", "expires_in_seconds", 60);
            IssuedKey key = identities.keys().create(p, new KeyTerms(expiresIn == null ? null : clock.instant().plusSeconds(expiresIn),
                    Json.optText(body, "description", "description")));
            onKeyIssued.accept(key);
            return json(201, KeyJson.of(key));
        });
    }

    /** Body: {@code {"name"}}: a key for that principal, made a user if it is new — an operator's first call. */
    private void createUserKey(ServerRequest req, ServerResponse res) {
        calls.serveNamedInBody(req, res, "quarry:CreateKey", "principal", IdentityAdminRoutes::name, call -> {
            call.alsoAsRole(identities, call.name());
            guard.checkKeyFor(call.caller(), call.name(), call.conditions());
            IssuedKey key = identities.createKey(call.name(), PrincipalKind.USER);
            onKeyIssued.accept(key);
            identityChanged.run();
            return json(201, KeyJson.of(key));
        });
    }

    private void listKeys(ServerRequest req, ServerResponse res) {
        String name = param(req, "name");
        calls.serve(req, res, "quarry:ListKeys", "principal/" + name, call -> {
            call.alsoAsRole(identities, name);
            ObjectNode reply = Json.object();
            ArrayNode keys = reply.putArray("keys");
            identities.keys().list(name).forEach(k -> keys.add(KeyJson.listed(k, clock.instant())));
            return json(200, reply);
        });
    }

    private void disableKey(ServerRequest req, ServerResponse res) {
        String id = param(req, "id");
        calls.serve(req, res, "quarry:DisableKey", "key/" + id, call -> {
            alsoOnOwner(call, id);
            identities.keys().disable(id);
            identityChanged.run();
            return json(200, Json.object().put("key_id", id).put("status", "disabled"));
        });
    }

    private void enableKey(ServerRequest req, ServerResponse res) {
        String id = param(req, "id");
        calls.serve(req, res, "quarry:EnableKey", "key/" + id, call -> {
            alsoOnOwner(call, id);
            identities.keys().enable(id);
            identityChanged.run();
            return json(200, Json.object().put("key_id", id).put("status", "enabled"));
        });
    }

    private void deleteKey(ServerRequest req, ServerResponse res) {
        String id = param(req, "id");
        calls.serve(req, res, "quarry:DeleteKey", "key/" + id, call -> {
            alsoOnOwner(call, id);
            identities.keys().delete(id);
            return changed();
        });
    }

    /** Body: {@code {"name"}}. */
    private void createGroup(ServerRequest req, ServerResponse res) {
        calls.serveNamedInBody(req, res, "quarry:CreateGroup", "group", IdentityAdminRoutes::name, call -> {
            Groups.Group group = identities.groups().create(call.name());
            identityChanged.run();
            return json(201, group(group));
        });
    }

    private void listGroups(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, "quarry:ListGroups", "group/*", call -> {
            ObjectNode reply = Json.object();
            ArrayNode groups = reply.putArray("groups");
            identities.groups().list().forEach(g -> groups.add(group(g)));
            return json(200, reply);
        });
    }

    private void getGroup(ServerRequest req, ServerResponse res) {
        String name = param(req, "name");
        calls.serve(req, res, "quarry:GetGroup", "group/" + name, call ->
                json(200, group(identities.groups().get(name).orElseThrow(() -> notFound("group", name)))));
    }

    private void deleteGroup(ServerRequest req, ServerResponse res) {
        String name = param(req, "name");
        calls.serve(req, res, "quarry:DeleteGroup", "group/" + name, call -> {
            guard.checkDeleteGroup(call.caller(), name, call.conditions());
            identities.groups().delete(name);
            return changed();
        });
    }

    private void addMember(ServerRequest req, ServerResponse res) {
        String name = param(req, "name");
        calls.serve(req, res, "quarry:AddToGroup", "group/" + name, call -> {
            String principal = param(req, "principal");
            call.alsoOn("principal/" + principal);
            call.alsoAsRole(identities, principal);
            guard.checkJoin(call.caller(), name, principal, call.conditions());
            Groups.Group group = identities.groups().add(name, principal);
            identityChanged.run();
            return json(200, group(group));
        });
    }

    private void removeMember(ServerRequest req, ServerResponse res) {
        String name = param(req, "name");
        calls.serve(req, res, "quarry:RemoveFromGroup", "group/" + name, call -> {
            String principal = param(req, "principal");
            call.alsoOn("principal/" + principal);
            call.alsoAsRole(identities, principal);
            guard.checkLeave(call.caller(), name, principal, call.conditions());
            Groups.Group group = identities.groups().remove(name, principal);
            identityChanged.run();
            return json(200, group(group));
        });
    }

    /** Body: {@code {"name", "trust": ["principal", "group:NAME"], "tags": {...}}}. */
    private void createRole(ServerRequest req, ServerResponse res) {
        calls.serveNamedInBody(req, res, "quarry:CreateRole", "role", IdentityAdminRoutes::name, call -> {
            ObjectNode body = call.body().get();
            List<String> trust = Json.optArray(body, "trust", "trust").stream().map(entry -> text(entry, "trust")).toList();
            guard.checkTrust(call.caller(), call.name(), trust, call.conditions());
            Principal role = identities.roles().create(call.name(), trust, tags(body));
            identityChanged.run();
            ObjectNode reply = principal(role);
            trust.stream().distinct().sorted().forEach(reply.putArray("trust")::add);
            return json(201, reply);
        });
    }

    private void deleteRole(ServerRequest req, ServerResponse res) {
        String name = param(req, "name");
        calls.serve(req, res, "quarry:DeleteRole", "role/" + name, call -> {
            identities.deleteRole(name);
            return changed();
        });
    }

    /**
     * Body: {@code {"role", "duration_seconds"}}. Policy decides whether the caller may ask
     * ({@code quarry:AssumeRole} on {@code role/NAME}); the role's trust decides whether it consents.
     */
    private void assumeRole(ServerRequest req, ServerResponse res) {
        calls.serveNamedInBody(req, res, Actions.ASSUME_ROLE, "role", body -> Json.requireText(body, "role", "role"), call -> {
            Integer seconds = Json.optInt(call.body().get(), "duration_seconds", "duration_seconds", 1);
            Duration duration = seconds == null ? Roles.DEFAULT_SESSION : Duration.ofSeconds(seconds);
            return json(200, KeyJson.session(identities.roles().assume(call.name(), call.caller(), duration)));
        });
    }

    /** A key is acted on as part of its owner: a Deny on {@code principal/OWNER} (or {@code role/OWNER}, for a role's sessions) holds for its keys. */
    private void alsoOnOwner(PlatformContext call, String keyId) {
        identities.keys().owner(keyId).ifPresent(owner -> {
            call.alsoOn("principal/" + owner);
            call.alsoAsRole(identities, owner);
        });
    }

    /** The {@code name} a create call names its principal, group or role by; the store takes it as written. */
    private static String name(ObjectNode body) {
        return Json.requireText(body, "name", "name");
    }

    private WireReply changed() {
        identityChanged.run();
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

    private static QuarryException notFound(String what, String name) {
        return QuarryException.of(ErrorKind.NOT_FOUND, "There is no " + what + " named '" + name + "'.");
    }

    private static String param(ServerRequest req, String name) {
        return req.path().pathParameters().get(name);
    }

    private static WireReply json(int status, ObjectNode body) {
        return WireReply.json(status, Json.bytes(body));
    }
}
