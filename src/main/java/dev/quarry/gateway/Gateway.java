package dev.quarry.gateway;

import dev.quarry.audit.AuditLog;
import dev.quarry.budget.BudgetDirectory;
import dev.quarry.catalog.Catalog;
import dev.quarry.guardrails.GuardrailRef;
import dev.quarry.guardrails.Guardrails;
import dev.quarry.identity.Authenticator;
import dev.quarry.identity.Credential;
import dev.quarry.identity.Principal;
import dev.quarry.metering.Ledger;
import dev.quarry.policy.Authorizer;
import dev.quarry.policy.RequestContext;
import dev.quarry.pricing.Pricer;
import dev.quarry.provider.ProviderRegistry;
import dev.quarry.ratelimit.RateLimits;
import dev.quarry.routing.Experiments;
import dev.quarry.routing.Planner;
import dev.quarry.routing.Router;
import dev.quarry.routing.RoutingSettings;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;

/** The entry point surfaces' routes call: runs a request down the governed path. */
public final class Gateway {
    private final Pipeline pipeline;
    private final Authenticator authenticator;

    public Gateway(Pipeline pipeline, Authenticator authenticator) {
        this.pipeline = pipeline;
        this.authenticator = authenticator;
    }

    /**
     * The standard path: audit → authenticate → decode → settle → choose guardrail → route →
     * authorize → rate-limit → guard → budget → invoke.
     */
    public static Gateway standard(Authenticator authenticator, Authorizer authorizer, Ledger ledger, Pricer pricer,
                                   Catalog catalog, ProviderRegistry providers, AuditLog audit, Clock clock,
                                   RateLimits rateLimits, Function<Principal, List<String>> groupsOf, BudgetDirectory budgets,
                                   RoutingSettings routing, Guardrails guardrails, GuardrailRef defaultGuardrail) {
        Router router = new Router(routing.retry(), routing.cooldown());
        return new Gateway(new Pipeline(List.of(
                new AuditStep(audit, clock),
                new AuthenticateStep(authenticator),
                new DecodeStep(),
                new SettleStep(ledger, pricer, clock),
                new ChooseGuardrailStep(guardrails, defaultGuardrail),
                new RouteStep(catalog, new Planner(catalog, routing.routes()), new Experiments(routing.experiments())),
                new AuthorizeStep(authorizer, new RequestContext(clock)),
                new RateLimitStep(rateLimits, groupsOf),
                new GuardStep(guardrails, audit, clock),
                new BudgetStep(budgets, pricer, clock),
                new InvokeStep(providers, router, rateLimits, pricer, clock))), authenticator);
    }

    /**
     * Authenticates a call that does not invoke a model (listing models, admin calls).
     *
     * @throws dev.quarry.canonical.QuarryException of kind AUTHENTICATION
     */
    public Principal authenticate(Credential credential) {
        return authenticator.authenticate(credential);
    }

    public Outcome handle(Exchange exchange) {
        return pipeline.run(exchange);
    }

    public List<String> steps() {
        return pipeline.describe();
    }
}
