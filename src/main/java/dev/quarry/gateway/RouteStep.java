package dev.quarry.gateway;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.QuarryException;
import dev.quarry.catalog.Capability;
import dev.quarry.catalog.Catalog;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.catalog.ModelKind;
import dev.quarry.routing.Assignment;
import dev.quarry.routing.Experiments;
import dev.quarry.routing.Planner;
import java.util.EnumSet;
import java.util.Set;

/**
 * Resolves the model the client named — through its experiment's variant when the name is under
 * one — and plans where the request may go: the model's deployments and its fallback models.
 * Which deployment serves is decided when the request is invoked, by the router.
 */
public final class RouteStep implements Step {
    private final Catalog catalog;
    private final Planner planner;
    private final Experiments experiments;

    public RouteStep(Catalog catalog, Planner planner, Experiments experiments) {
        this.catalog = catalog;
        this.planner = planner;
        this.experiments = experiments;
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
        String requested = exchange.operation().model();
        Assignment assignment = experiments.isEmpty() ? null
                : experiments.assign(requested, exchange.principal().id(), exchange.hints().session()).orElse(null);
        ModelEntry model = catalog.resolve(assignment == null ? requested : assignment.model(), kind);
        Set<Capability> needs = needs(exchange.operation());
        if (needs.contains(Capability.DOCUMENTS) && !model.supports(Capability.DOCUMENTS)) throw cannotReadDocuments(model);
        Route route = new Route(assignment, planner.plan(model, exchange.hints().fallbacks(), needs));
        return chain.proceed(exchange.withRoute(model, model.deployments().getFirst()).withRouting(route));
    }

    /** What a fallback model must support to serve this request. */
    private static Set<Capability> needs(Operation operation) {
        Set<Capability> needs = EnumSet.noneOf(Capability.class);
        if (operation instanceof Operation.Chat chat) {
            ChatRequest request = chat.request();
            if (!request.tools().isEmpty()) needs.add(Capability.TOOLS);
            for (var message : request.messages()) {
                for (ContentBlock block : message.content()) {
                    if (block instanceof ContentBlock.Image) needs.add(Capability.VISION);
                    if (block instanceof ContentBlock.Document) needs.add(Capability.DOCUMENTS);
                }
            }
        }
        return needs;
    }

    /**
     * A model that cannot read documents is refused one, rather than have its provider drop it or
     * fail upstream. The refusal names no other model: it comes before the caller is authorized, and
     * the catalog may hold models the caller may not know of.
     */
    private static QuarryException cannotReadDocuments(ModelEntry model) {
        return QuarryException.unsupported("model", "Model '" + model.id() + "' cannot read documents (its catalog entry lacks"
                + " DOCUMENTS): send the document's content as text, or use a model whose catalog entry has DOCUMENTS.");
    }
}
