package dev.quarry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.QuarryException;
import dev.quarry.metering.ReportFormat;
import dev.quarry.metering.UsageReport;
import dev.quarry.pricing.Commitment;
import dev.quarry.pricing.CostAdmin;
import dev.quarry.pricing.Drawdown;
import dev.quarry.pricing.PriceFile;
import dev.quarry.pricing.PricingException;
import dev.quarry.store.StoredTimes;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The admin API for cost governance over HTTP: paths, queries and bodies to {@link CostAdmin} calls
 * (the price sheet, usage reports, commitments with their drawdown), and JSON replies. Served
 * through {@link PlatformCalls}, so authorized and audited.
 */
final class CostAdminRoutes implements HttpService {
    private final PlatformCalls calls;
    private final CostAdmin costs;

    CostAdminRoutes(PlatformCalls calls, CostAdmin costs) {
        this.calls = calls;
        this.costs = costs;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/admin/prices", this::listPrices)
                .put("/admin/prices", this::putPrices)
                .get("/admin/usage/report", this::report)
                .get("/admin/commitments", this::listCommitments)
                .post("/admin/commitments", this::addCommitment);
    }

    /** Every entry in force or scheduled: the configuration's and the store's. */
    private void listPrices(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, "quarry:GetPrices", "pricing/*", call -> {
            ObjectNode reply = Json.object();
            reply.set("prices", PriceFile.json(costs.prices()));
            return ok(reply);
        });
    }

    /** Body: {@code {"prices": [entry, …]}} in the price file's form; adds them (identical entries are no-ops). */
    private void putPrices(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, "quarry:PutPrices", "pricing/*", call -> {
            int added = invalidAsBadRequest("prices", () -> costs.addPrices(PriceFile.parse(call.body().get().get("prices"))));
            return ok(Json.object().put("added", added));
        });
    }

    /**
     * {@code ?by=principal|model|tag|day|guardrail|user|session|agent&from=DAY|INSTANT&to=DAY|INSTANT&format=json|csv|table}; rows as
     * {@link ReportFormat#json} when the format is left out.
     */
    private void report(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, "quarry:ReadUsage", "usage/*", call -> {
            UsageReport.By by = invalidAsBadRequest("by", () -> UsageReport.By.of(query(req, "by")));
            Instant from = invalidAsBadRequest("from", () -> StoredTimes.dayOrInstant(query(req, "from")));
            Instant to = invalidAsBadRequest("to", () -> StoredTimes.dayOrInstant(query(req, "to")));
            requireOrdered(from, to);
            ReportFormat format = invalidAsBadRequest("format", () -> ReportFormat.of(req.query().first("format").orElse("json")));
            return new WireReply(200, format.mediaType(), format.render(by, costs.report(by, from, to)).getBytes(StandardCharsets.UTF_8), Map.of());
        });
    }

    /** Each commitment with how far it is drawn down. */
    private void listCommitments(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, "quarry:ListCommitments", "commitment/*", call -> {
            ObjectNode reply = Json.object();
            ArrayNode array = reply.putArray("commitments");
            for (CostAdmin.Standing standing : costs.commitments()) {
                Drawdown d = standing.drawdown();
                ObjectNode o = commitmentJson(array.addObject(), standing.commitment());
                o.put("list_cost_usd", d.listCost()).put("drawn_usd", d.drawn()).put("remaining_usd", d.remaining())
                        .put("billed_usd", d.billed()).put("effective_discount", d.effectiveDiscount());
            }
            return ok(reply);
        });
    }

    /**
     * Body: {@code {"name", "amount_usd", "start", "end" (UTC days, end exclusive), "discount_rate",
     * "models": [...], "platforms": [...]}}; empty or missing lists mean every model or platform.
     */
    private void addCommitment(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, "quarry:CreateCommitment", "commitment/*", call -> {
            ObjectNode body = call.body().get();
            Instant start = invalidAsBadRequest("start", () -> StoredTimes.dayOrInstant(Json.requireText(body, "start", "start")));
            Instant end = invalidAsBadRequest("end", () -> StoredTimes.dayOrInstant(Json.requireText(body, "end", "end")));
            Commitment c = invalidAsBadRequest("commitment", () -> costs.addCommitment(Json.requireText(body, "name", "name"),
                    decimal(body, "amount_usd"), start, end, decimal(body, "discount_rate"), texts(body, "models"), texts(body, "platforms")));
            return WireReply.json(201, Json.bytes(commitmentJson(Json.object(), c)));
        });
    }

    private static ObjectNode commitmentJson(ObjectNode o, Commitment c) {
        o.put("id", c.id()).put("name", c.name()).put("amount_usd", c.amount()).put("start", c.start().toString())
                .put("end", c.end().toString()).put("discount_rate", c.discountRate());
        c.models().forEach(o.putArray("models")::add);
        c.platforms().forEach(o.putArray("platforms")::add);
        return o;
    }

    private static BigDecimal decimal(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isNumber()) throw new PricingException(field + " must be a number");
        return v.decimalValue();
    }

    private static List<String> texts(ObjectNode body, String field) {
        List<String> values = new ArrayList<>();
        for (JsonNode v : Json.optArray(body, field, field)) {
            if (!v.isTextual()) throw new PricingException(field + " must be a list of strings");
            values.add(v.asText());
        }
        return values;
    }

    /** A required query parameter; its absence is reported as bad input by {@link #invalidAsBadRequest}. */
    static String query(ServerRequest req, String name) {
        return req.query().first(name).orElseThrow(() -> new IllegalArgumentException("the query parameter '" + name + "' is required"));
    }

    /** Runs work whose bad input (a pricing rule, a malformed parameter) is the caller's mistake: a 400 naming it. */
    static <T> T invalidAsBadRequest(String param, Supplier<T> work) {
        try {
            return work.get();
        } catch (PricingException | IllegalArgumentException e) {
            throw QuarryException.invalid(param, e.getMessage());
        }
    }

    /** A period's bounds, either open: when both are given, {@code from} must come first. */
    static void requireOrdered(Instant from, Instant to) {
        if (from != null && to != null && !from.isBefore(to)) {
            throw QuarryException.invalid("to", "'to' (" + to + ") must be after 'from' (" + from + ").");
        }
    }

    private static WireReply ok(ObjectNode body) {
        return WireReply.json(200, Json.bytes(body));
    }
}
