/**
 * Routing and resilience: which deployment serves a request, and what happens when it cannot.
 * Strategies order a model's deployments (priority, weighted, least latency, lowest cost, least
 * busy); the {@link dev.quarry.routing.Router} walks the request's plan with retries, back-off,
 * cooldowns and fallback models, and is the only component that retries; experiments split a
 * model id's traffic between variants. It knows the catalog and the canonical errors, not
 * providers: the gateway hands it the attempt to make.
 */
package dev.quarry.routing;
