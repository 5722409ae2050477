package dev.quarry.gateway;

import dev.quarry.catalog.Catalog;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.catalog.ModelKind;

/**
 * Resolves the model the client named and picks the deployment to serve it. For now that is the
 * first deployment; fallback, weights and residency come with the routing work.
 */
public final class RouteStep implements Step {
    private final Catalog catalog;

    public RouteStep(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public String name() {
        return "route";
    }

    @Override
    public Outcome apply(Exchange exchange, Chain chain) {
        ModelKind kind = switch (exchange.operation()) {
            case Operation.Chat c -> ModelKind.CHAT;
            case Operation.Embed e -> ModelKind.EMBEDDING;
        };
        ModelEntry model = catalog.resolve(exchange.operation().model(), kind);
        return chain.proceed(exchange.withRoute(model, model.deployments().getFirst()));
    }
}
