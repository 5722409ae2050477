package dev.quarry.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.catalog.Catalog;
import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Locale;

/**
 * The catalog as this server serves it: every model, whether it can be served, and by which
 * deployments. An admin action ({@code quarry:ReadCatalog}) apart from the clients' model list,
 * since it shows where models are deployed.
 */
final class CatalogAdminRoutes implements HttpService {
    private final PlatformCalls calls;
    private final Catalog catalog;

    CatalogAdminRoutes(PlatformCalls calls, Catalog catalog) {
        this.calls = calls;
        this.catalog = catalog;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/admin/models", this::list);
    }

    private void list(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, "quarry:ReadCatalog", "model/*", call -> {
            ObjectNode reply = Json.object();
            ArrayNode models = reply.putArray("models");
            catalog.models().forEach(m -> models.add(json(m)));
            return WireReply.json(200, Json.bytes(reply));
        });
    }

    private static ObjectNode json(ModelEntry m) {
        ObjectNode o = Json.object().put("id", m.id()).put("family", m.family()).put("kind", m.kind().name().toLowerCase(Locale.ROOT))
                .put("available", m.available()).put("test_model", m.testModel()).put("context_window", m.contextWindow())
                .put("max_output_tokens", m.maxOutputTokens());
        m.aliases().forEach(o.putArray("aliases")::add);
        ArrayNode deployments = o.putArray("deployments");
        for (Deployment d : m.deployments()) {
            deployments.addObject().put("provider", d.provider()).put("upstream_model", d.upstreamModel()).put("region", d.region())
                    .put("weight", d.weight()).put("priority", d.priority());
        }
        return o;
    }
}
