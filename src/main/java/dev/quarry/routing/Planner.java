package dev.quarry.routing;

import dev.quarry.catalog.Capability;
import dev.quarry.catalog.Catalog;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.canonical.QuarryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a request's {@link RoutePlan} from the model it asked for and that model's routes. A
 * fallback model that lacks something the request needs (tools, images) is left out: it would
 * only fail.
 */
public final class Planner {
    /** The request header that replaces a model's error fallbacks: model ids, comma-separated; {@code none} for none. */
    public static final String FALLBACKS_HEADER = "X-Quarry-Fallbacks";

    private final Catalog catalog;
    private final Map<String, ModelRoutes> routes;

    /** @param routes by model id; a model without an entry has {@link ModelRoutes#DEFAULT}. Their fallbacks must be in the catalog. */
    public Planner(Catalog catalog, Map<String, ModelRoutes> routes) {
        this.catalog = catalog;
        this.routes = Map.copyOf(routes);
    }

    /**
     * @param fallbackOverride the fallbacks the client named for this request (replacing the model's
     *                         error fallbacks; empty for none), or {@code null} to use the model's
     * @param needs            what the request uses besides text
     * @throws QuarryException when the override names a model that cannot serve the request
     */
    public RoutePlan plan(ModelEntry model, List<String> fallbackOverride, Set<Capability> needs) {
        ModelRoutes own = routesOf(model);
        Stage requested = stage(model);
        if (fallbackOverride == null && !hasAny(own)) return RoutePlan.single(requested);
        List<String> onError = fallbackOverride != null ? fallbackOverride : own.fallbacks();
        if (fallbackOverride != null) fallbackOverride.forEach(name -> checkOverride(name, model));
        return new RoutePlan(requested, stages(onError, model, needs), stages(own.contextWindowFallbacks(), model, needs),
                stages(own.contentPolicyFallbacks(), model, needs));
    }

    private ModelRoutes routesOf(ModelEntry model) {
        return routes.getOrDefault(model.id(), ModelRoutes.DEFAULT);
    }

    private Stage stage(ModelEntry model) {
        return new Stage(model, routesOf(model).strategy(), model.deployments(), 0);
    }

    private List<Stage> stages(List<String> names, ModelEntry requested, Set<Capability> needs) {
        List<Stage> stages = new ArrayList<>();
        for (String name : names) {
            ModelEntry model = catalog.find(name).orElseThrow();
            if (model == requested || !model.available() || !model.capabilities().containsAll(needs)) continue;
            stages.add(stage(model));
        }
        return stages;
    }

    private static boolean hasAny(ModelRoutes r) {
        return !r.fallbacks().isEmpty() || !r.contextWindowFallbacks().isEmpty() || !r.contentPolicyFallbacks().isEmpty();
    }

    private void checkOverride(String name, ModelEntry requested) {
        ModelEntry model = catalog.find(name).orElseThrow(() -> QuarryException.invalid(FALLBACKS_HEADER,
                FALLBACKS_HEADER + " names '" + name + "', which is not a model of this Quarry."));
        if (model.kind() != requested.kind()) {
            throw QuarryException.invalid(FALLBACKS_HEADER, FALLBACKS_HEADER + " names '" + name + "', which cannot serve this kind of request.");
        }
    }
}
