package dev.quarry.routing;

import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelEntry;
import java.math.BigDecimal;
import java.util.Optional;

/** What one request would cost at most on a deployment, by the price sheet; empty when it has no price. */
@FunctionalInterface
public interface CostOf {
    CostOf UNPRICED = (model, deployment) -> Optional.empty();

    Optional<BigDecimal> worstCase(ModelEntry model, Deployment deployment);
}
