package dev.quarry.server;

import dev.quarry.gateway.Exchange;
import dev.quarry.gateway.Route;
import dev.quarry.routing.RouteTrace;
import io.helidon.webserver.http.ServerResponse;

/**
 * Tells the client how its request was routed, on answers and errors alike: the deployment that
 * served, the number of upstream attempts, the models tried in order (the fallback path), and the
 * experiment variant. Written before the status line, which the gateway's outcome precedes.
 */
final class RouteHeaders {
    static final String DEPLOYMENT = "X-Quarry-Deployment";
    static final String MODEL = "X-Quarry-Model";
    static final String ATTEMPTS = "X-Quarry-Attempts";
    static final String FALLBACK_PATH = "X-Quarry-Fallback-Path";
    static final String EXPERIMENT = "X-Quarry-Experiment";
    static final String VARIANT = "X-Quarry-Variant";

    private RouteHeaders() {}

    static void write(Exchange exchange, ServerResponse res) {
        Route route = exchange.route();
        if (route == null) return;
        if (route.assignment() != null) {
            res.header(EXPERIMENT, route.assignment().experiment());
            res.header(VARIANT, route.assignment().variant());
        }
        RouteTrace trace = route.trace();
        if (trace == null) return;
        res.header(ATTEMPTS, String.valueOf(trace.attempts().size()));
        if (!trace.attempts().isEmpty()) res.header(FALLBACK_PATH, String.join(" > ", trace.modelPath()));
        RouteTrace.Attempt last = trace.attempts().isEmpty() ? null : trace.attempts().getLast();
        if (last != null && last.failure() == null) {
            res.header(DEPLOYMENT, last.deployment());
            res.header(MODEL, last.model());
        }
    }
}
