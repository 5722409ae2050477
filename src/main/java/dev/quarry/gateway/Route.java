package dev.quarry.gateway;

import dev.quarry.routing.Assignment;
import dev.quarry.routing.RoutePlan;
import dev.quarry.routing.RouteTrace;

/**
 * What routing decided and did for one request.
 *
 * @param assignment the experiment variant it was put in, or {@code null}
 * @param plan       where it may go: every model and deployment, narrowed by authorization to the allowed ones
 * @param trace      the attempts made, once invoked
 */
public record Route(Assignment assignment, RoutePlan plan, RouteTrace trace) {
    public Route withPlan(RoutePlan allowed) {
        return new Route(assignment, allowed, trace);
    }

    public Route withTrace(RouteTrace attempts) {
        return new Route(assignment, plan, attempts);
    }
}
