package dev.quarry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.gateway.PlatformContext;
import dev.quarry.canonical.QuarryException;
import dev.quarry.identity.IdentityStore;
import dev.quarry.policy.AccessRequest;
import dev.quarry.policy.Actions;
import dev.quarry.policy.Decision;
import dev.quarry.policy.EscalationGuard;
import dev.quarry.policy.Policy;
import dev.quarry.policy.PolicyDirectory;
import dev.quarry.policy.PolicyException;
import dev.quarry.policy.PolicyParser;
import dev.quarry.policy.PolicyStore;
import dev.quarry.policy.PolicyTarget;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The admin API for policies: write, read, list and delete them, attach them to principals and
 * groups, set permission boundaries, and simulate a decision. Each route is an admin action,
 * authorized and audited by {@link PlatformCalls}, attaching and detaching on the target principal
 * (and {@code role/NAME} when it is a role) or group as well; writing, attaching or detaching a policy, and changing a boundary, also pass the
 * {@link EscalationGuard}. A change is in force on this node when its
 * call returns, and on other nodes within {@link PolicyDirectory#POLL_INTERVAL}.
 */
final class PolicyAdminRoutes implements HttpService {
    private final PlatformCalls calls;
    private final PolicyStore store;
    private final PolicyDirectory directory;
    private final EscalationGuard guard;
    private final IdentityStore identities;

    PolicyAdminRoutes(PlatformCalls calls, PolicyStore store, PolicyDirectory directory, EscalationGuard guard, IdentityStore identities) {
        this.identities = identities;
        this.calls = calls;
        this.store = store;
        this.directory = directory;
        this.guard = guard;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/admin/policies", this::list)
                .post("/admin/policies/simulate", this::simulate)
                .put("/admin/policies/{name}", this::put)
                .get("/admin/policies/{name}", this::get)
                .delete("/admin/policies/{name}", this::delete)
                .post("/admin/policies/{name}/attachments", this::attach)
                .delete("/admin/policies/{name}/attachments", this::detach)
                .put("/admin/principals/{name}/boundary", this::boundary);
    }

    private void list(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, "quarry:ListPolicies", "policy/*", call -> {
            ObjectNode reply = Json.object();
            store.names().forEach(reply.putArray("policies")::add);
            return ok(reply);
        });
    }

    /** PUT body: the policy document itself. */
    private void put(ServerRequest req, ServerResponse res) {
        String name = name(req);
        calls.serve(req, res, "quarry:PutPolicy", "policy/" + name, call -> {
            String document = Json.write(call.body().get());
            guard.checkPut(call.caller(), parsed(name, document), call.conditions());
            store.put(name, document);
            directory.reload();
            return ok(Json.object().put("name", name));
        });
    }

    private void get(ServerRequest req, ServerResponse res) {
        String name = name(req);
        calls.serve(req, res, "quarry:GetPolicy", "policy/" + name, call -> {
            ObjectNode reply = Json.object().put("name", name);
            reply.set("document", Json.parseObject(store.document(name).getBytes(StandardCharsets.UTF_8)));
            return ok(reply);
        });
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String name = name(req);
        calls.serve(req, res, "quarry:DeletePolicy", "policy/" + name, call -> {
            store.delete(name);
            directory.reload();
            return WireReply.json(204, new byte[0]);
        });
    }

    /** Body: {@code {"target_type": "principal"|"group", "target_name": "..."}}. */
    private void attach(ServerRequest req, ServerResponse res) {
        String name = name(req);
        calls.serve(req, res, "quarry:AttachPolicy", "policy/" + name, call -> {
            PolicyTarget target = target(call.body().get());
            alsoOnTarget(call, target);
            guard.check(call.caller(), PolicyParser.parse(name, store.document(name)), call.conditions());
            store.attach(name, target);
            directory.reload();
            return ok(Json.object().put("policy", name).put("target_type", target.type().wire()).put("target_name", target.name()));
        });
    }

    private void detach(ServerRequest req, ServerResponse res) {
        String name = name(req);
        calls.serve(req, res, "quarry:DetachPolicy", "policy/" + name, call -> {
            PolicyTarget target = target(call.body().get());
            alsoOnTarget(call, target);
            guard.checkDetach(call.caller(), name, target, call.conditions());
            store.detach(name, target);
            directory.reload();
            return WireReply.json(204, new byte[0]);
        });
    }

    /** Body: {@code {"policy": "NAME"}}, or {@code {"policy": null}} to remove the boundary. */
    private void boundary(ServerRequest req, ServerResponse res) {
        String principal = name(req);
        calls.serve(req, res, "quarry:PutPermissionBoundary", "principal/" + principal, call -> {
            IdentityAdminRoutes.alsoAsRole(call, identities, principal);
            String policy = Json.optText(call.body().get(), "policy", "policy");
            guard.checkBoundary(call.caller(), principal, policy, call.conditions());
            store.setBoundary(principal, policy);
            directory.reload();
            return ok(Json.object().put("principal", principal).put("policy", policy));
        });
    }

    /**
     * Body: {@code {"principal", "action", "resource", "context": {"quarry:Key": "value" | ["v", …]}}}.
     * The context is taken as given: the simulator answers "what if a request came with these keys".
     * Authorized on {@code principal/NAME} (and {@code role/NAME} for a role): what it reveals is that principal's permissions.
     */
    private void simulate(ServerRequest req, ServerResponse res) {
        calls.serveNamedInBody(req, res, "quarry:SimulatePolicy", "principal", body -> Json.requireText(body, "principal", "principal"), call -> {
            ObjectNode body = call.body().get();
            String action = Json.requireText(body, "action", "action");
            if (!Actions.isKnown(action)) throw QuarryException.invalid("action", "'" + action + "' is not a Quarry action; known: " + Actions.ALL);
            AccessRequest request = new AccessRequest(action, Json.requireText(body, "resource", "resource"), simulatedContext(body));
            IdentityAdminRoutes.alsoAsRole(call, identities, call.name());
            Decision decision = directory.simulate(call.name(), request);
            return ok(Json.object()
                    .put("allowed", decision.allowed())
                    .put("reason", decision.reason().name())
                    .put("decided_by", decision.decidedBy())
                    .put("explanation", decision.explain(request)));
        });
    }

    private static Map<String, List<String>> simulatedContext(ObjectNode body) {
        Map<String, List<String>> keys = new HashMap<>();
        JsonNode context = body.get("context");
        if (context == null || context.isNull()) return keys;
        if (!context.isObject()) throw QuarryException.invalid("context", "'context' must map condition keys to a value or a list of values.");
        for (var entry : context.properties()) {
            List<String> values = new ArrayList<>();
            for (JsonNode value : entry.getValue().isArray() ? entry.getValue() : List.of(entry.getValue())) {
                if (!value.isValueNode() || value.isNull()) {
                    throw QuarryException.invalid("context." + entry.getKey(), "condition values are strings, numbers or lists of them.");
                }
                values.add(value.asText());
            }
            keys.put(entry.getKey(), values);
        }
        return keys;
    }

    /** A policy document parsed, or a 400 naming the place in it that is wrong. */
    private static Policy parsed(String name, String document) {
        try {
            return PolicyParser.parse(name, document);
        } catch (PolicyException e) {
            throw QuarryException.invalid(e.path().isEmpty() ? "document" : e.path(), "The policy document is not valid: " + e.getMessage());
        }
    }

    /** What a policy is attached to or detached from is acted on too: the group, or the principal (and the role it may be). */
    private void alsoOnTarget(PlatformContext call, PolicyTarget target) {
        call.alsoOn(target.toString());
        if (target.type() == PolicyTarget.Type.PRINCIPAL) IdentityAdminRoutes.alsoAsRole(call, identities, target.name());
    }

    private static PolicyTarget target(ObjectNode body) {
        return new PolicyTarget(PolicyTarget.Type.of(Json.requireText(body, "target_type", "target_type"), "target_type"),
                Json.requireText(body, "target_name", "target_name"));
    }

    private static String name(ServerRequest req) {
        return req.path().pathParameters().get("name");
    }

    private static WireReply ok(ObjectNode body) {
        return WireReply.json(200, Json.bytes(body));
    }
}
