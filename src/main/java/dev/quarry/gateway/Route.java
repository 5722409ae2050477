package dev.quarry.gateway;

import dev.quarry.routing.Assignment;
import dev.quarry.routing.RoutePlan;
import dev.quarry.routing.RouteTrace;
import java.util.Map;

/**
 * What routing decided and did for one request.
 *
 * @param assignment the experiment variant it was put in, or {@code null}
 * @param plan       where it may go: every model and deployment, narrowed by authorization to the allowed ones
 * @param trace      the attempts made, once invoked
 * @param decidedBy  for each allowed model and deployment ({@link RoutePlan#key}), the policy statement that allowed it,
 *                   so the audit trail names the one that allowed what served
 */
public record Route(Assignment assignment, RoutePlan plan, RouteTrace trace, Map<String, String> decidedBy) {
    public Route {
        decidedBy = decidedBy == null ? Map.of() : decidedBy;
    }

    public Route(Assignment assignment, RoutePlan plan) {
        this(assignment, plan, null, Map.of());
    }

    public Route authorized(RoutePlan allowed, Map<String, String> allowedBy) {
        return new Route(assignment, allowed, trace, Map.copyOf(allowedBy));
    }

    public Route withTrace(RouteTrace attempts) {
        return new Route(assignment, plan, attempts, decidedBy);
    }
}
