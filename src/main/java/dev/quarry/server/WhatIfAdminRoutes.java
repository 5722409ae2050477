package dev.quarry.server;

import static dev.quarry.server.CostAdminRoutes.invalidAsBadRequest;
import static dev.quarry.server.CostAdminRoutes.requireOrdered;
import static dev.quarry.server.CostAdminRoutes.query;

import dev.quarry.catalog.Catalog;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.metering.UsageReport;
import dev.quarry.pricing.Platforms;
import dev.quarry.pricing.PriceSheet;
import dev.quarry.pricing.WhatIf;
import dev.quarry.store.StoredTimes;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.math.RoundingMode;
import java.time.Instant;

/**
 * The admin API's cost what-if: recorded usage repriced as another model (and platform) would
 * have cost it, at this server's price sheet. Reads usage, so authorized as {@code quarry:ReadUsage}.
 */
final class WhatIfAdminRoutes implements HttpService {
    private final PlatformCalls calls;
    private final UsageReport usage;
    private final PriceSheet sheet;
    private final Catalog catalog;

    WhatIfAdminRoutes(PlatformCalls calls, UsageReport usage, PriceSheet sheet, Catalog catalog) {
        this.calls = calls;
        this.usage = usage;
        this.sheet = sheet;
        this.catalog = catalog;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/admin/cost/whatif", this::whatIf);
    }

    /** {@code ?from=DAY|INSTANT&to=DAY|INSTANT&model=ID&platform=direct&batch=false}. */
    private void whatIf(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, "quarry:ReadUsage", "usage/*", call -> {
            Instant from = invalidAsBadRequest("from", () -> StoredTimes.dayOrInstant(query(req, "from")));
            Instant to = invalidAsBadRequest("to", () -> StoredTimes.dayOrInstant(query(req, "to")));
            requireOrdered(from, to);
            String model = invalidAsBadRequest("model", () -> query(req, "model"));
            String platform = invalidAsBadRequest("platform", () -> Platforms.require(req.query().first("platform").orElse(Platforms.DIRECT)));
            boolean batch = invalidAsBadRequest("batch", () -> bool(req.query().first("batch").orElse("false")));
            WhatIf w = invalidAsBadRequest("model", () -> WhatIf.reprice(usage.daily(from, to), model, platform, batch, sheet,
                    id -> catalog.find(id).map(ModelEntry::family).orElse("custom")));
            return WireReply.json(200, Json.bytes(Json.object()
                    .put("model", w.model()).put("platform", w.platform()).put("batch", batch)
                    .put("from", from.toString()).put("to", to.toString())
                    .put("requests", w.requests()).put("unpriced_requests", w.unpricedBefore())
                    .put("recorded_cost_usd", w.oldCost().setScale(6, RoundingMode.HALF_UP))
                    .put("whatif_cost_usd", w.newCost().setScale(6, RoundingMode.HALF_UP))
                    .put("difference_usd", w.difference().setScale(6, RoundingMode.HALF_UP))));
        });
    }

    private static boolean bool(String text) {
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'batch' is true or false (got '" + text + "')");
        };
    }
}
