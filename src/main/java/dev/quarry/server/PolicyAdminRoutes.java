package dev.quarry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.QuarryException;
import dev.quarry.policy.AccessRequest;
import dev.quarry.policy.Actions;
import dev.quarry.policy.Decision;
import dev.quarry.policy.PolicyAdmin;
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
 * The admin API for policies over HTTP: paths and bodies to {@link PolicyAdmin} calls, and JSON
 * replies. Each route is an admin action, authorized and audited by {@link PlatformCalls};
 * attaching and detaching are authorized on the target principal (and {@code role/NAME} when it
 * is a role) or group as well, by the service.
 */
final class PolicyAdminRoutes implements HttpService {
    private final PlatformCalls calls;
    private final PolicyAdmin policies;

    PolicyAdminRoutes(PlatformCalls calls, PolicyAdmin policies) {
        this.calls = calls;
        this.policies = policies;
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
            policies.names().forEach(reply.putArray("policies")::add);
            return ok(reply);
        });
    }

    /** PUT body: the policy document itself. */
    private void put(ServerRequest req, ServerResponse res) {
        String name = name(req);
        calls.serve(req, res, "quarry:PutPolicy", "policy/" + name, call -> {
            policies.put(call, name, Json.write(call.body().get()));
            return ok(Json.object().put("name", name));
        });
    }

    private void get(ServerRequest req, ServerResponse res) {
        String name = name(req);
        calls.serve(req, res, "quarry:GetPolicy", "policy/" + name, call -> {
            ObjectNode reply = Json.object().put("name", name);
            reply.set("document", Json.parseObject(policies.document(name).getBytes(StandardCharsets.UTF_8)));
            return ok(reply);
        });
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String name = name(req);
        calls.serve(req, res, "quarry:DeletePolicy", "policy/" + name, call -> {
            policies.delete(name);
            return WireReply.json(204, new byte[0]);
        });
    }

    /** Body: {@code {"target_type": "principal"|"group", "target_name": "..."}}. */
    private void attach(ServerRequest req, ServerResponse res) {
        String name = name(req);
        calls.serve(req, res, "quarry:AttachPolicy", "policy/" + name, call -> {
            PolicyTarget target = target(call.body().get());
            policies.attach(call, name, target);
            return ok(Json.object().put("policy", name).put("target_type", target.type().wire()).put("target_name", target.name()));
        });
    }

    private void detach(ServerRequest req, ServerResponse res) {
        String name = name(req);
        calls.serve(req, res, "quarry:DetachPolicy", "policy/" + name, call -> {
            policies.detach(call, name, target(call.body().get()));
            return WireReply.json(204, new byte[0]);
        });
    }

    /** Body: {@code {"policy": "NAME"}}, or {@code {"policy": null}} to remove the boundary. */
    private void boundary(ServerRequest req, ServerResponse res) {
        String principal = name(req);
        calls.serve(req, res, "quarry:PutPermissionBoundary", "principal/" + principal, call -> {
            String policy = Json.optText(call.body().get(), "policy", "policy");
            policies.setBoundary(call, principal, policy);
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
            Decision decision = policies.simulate(call, call.name(), request);
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
