package dev.quarry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.budget.Budget;
import dev.quarry.budget.BudgetAdmin;
import dev.quarry.budget.BudgetDraft;
import dev.quarry.budget.BudgetStatus;
import dev.quarry.budget.WebhookTargets;
import dev.quarry.canonical.QuarryException;
import dev.quarry.pricing.Money;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The admin API for budgets over HTTP: paths and bodies to {@link BudgetAdmin} calls, and JSON
 * replies. Each route is an admin action, authorized and audited by {@link PlatformCalls}. Amounts are JSON numbers in dollars, written exactly. A webhook is shown by its origin only
 * ({@link WebhookTargets#redacted}): the rest of its URL may hold a credential.
 */
final class BudgetAdminRoutes implements HttpService {
    private final PlatformCalls calls;
    private final BudgetAdmin budgets;

    BudgetAdminRoutes(PlatformCalls calls, BudgetAdmin budgets) {
        this.calls = calls;
        this.budgets = budgets;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/admin/budgets", this::create)
                .get("/admin/budgets", this::list)
                .get("/admin/budgets/{id}", this::get)
                .delete("/admin/budgets/{id}", this::delete)
                .get("/admin/budgets/{id}/status", this::status);
    }

    /**
     * Body: {@code {"name", "scope": "principal:NAME"|"group:NAME"|"tag:KEY=VALUE"|"organisation",
     * "period": "day"|"month"|"custom", "start", "end" (custom, ISO-8601), "limit_usd": "25.00",
     * "thresholds": [50, 80], "webhook_url"}}.
     */
    private void create(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, "quarry:PutBudget", "budget/*", call -> {
            ObjectNode body = call.body().get();
            Budget budget = budgets.create(new BudgetDraft(Json.requireText(body, "name", "name"), Json.requireText(body, "scope", "scope"),
                    Json.requireText(body, "period", "period"), Json.optText(body, "start", "start"), Json.optText(body, "end", "end"),
                    Json.requireText(body, "limit_usd", "limit_usd"), thresholds(body), Json.optText(body, "webhook_url", "webhook_url")));
            return WireReply.json(201, Json.bytes(json(budget)));
        });
    }

    private void list(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, "quarry:ReadBudget", "budget/*", call -> {
            ObjectNode reply = Json.object();
            var list = reply.putArray("budgets");
            budgets.list().forEach(b -> list.add(json(b)));
            return ok(reply);
        });
    }

    private void get(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, "quarry:ReadBudget", "budget/" + id, call -> ok(json(budgets.get(id))));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, "quarry:DeleteBudget", "budget/" + id, call -> {
            budgets.delete(id);
            return WireReply.json(204, new byte[0]);
        });
    }

    /** Where a budget stands on this node: spent (from the ledger at start-up, then as seen here) and reserved by requests in flight. */
    private void status(ServerRequest req, ServerResponse res) {
        String id = id(req);
        calls.serve(req, res, "quarry:ReadBudget", "budget/" + id, call -> {
            BudgetAdmin.Standing standing = budgets.standing(id);
            BudgetStatus status = standing.status();
            ObjectNode reply = json(standing.budget());
            reply.put("period_start", status.window().start().toString())
                    .put("period_end", status.window().end().toString())
                    .put("spent_usd", Money.fromMicros(status.spentMicros()))
                    .put("reserved_usd", Money.fromMicros(status.reservedMicros()))
                    .put("remaining_usd", Money.fromMicros(status.remainingMicros()));
            var crossed = reply.putArray("thresholds_crossed");
            status.thresholdsCrossed().forEach(crossed::add);
            return ok(reply);
        });
    }

    private static List<Integer> thresholds(ObjectNode body) {
        List<Integer> thresholds = new ArrayList<>();
        for (JsonNode t : Json.optArray(body, "thresholds", "thresholds")) {
            if (!t.isIntegralNumber() || !t.canConvertToInt()) throw QuarryException.invalid("thresholds", "Thresholds are whole percentages, e.g. [50, 80].");
            thresholds.add(t.intValue());
        }
        return thresholds;
    }

    static ObjectNode json(Budget b) {
        ObjectNode node = Json.object()
                .put("id", b.id())
                .put("name", b.name())
                .put("scope", b.scope().wire())
                .put("period", b.period().wire())
                .put("start", b.period().start() == null ? null : b.period().start().toString())
                .put("end", b.period().end() == null ? null : b.period().end().toString())
                .put("limit_usd", Money.fromMicros(b.limitMicros()))
                .put("webhook_url", WebhookTargets.redacted(b.webhook()));
        var thresholds = node.putArray("thresholds");
        b.thresholds().forEach(thresholds::add);
        return node;
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }

    private static WireReply ok(ObjectNode body) {
        return WireReply.json(200, Json.bytes(body));
    }
}
