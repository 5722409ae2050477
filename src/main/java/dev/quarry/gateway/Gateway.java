package dev.quarry.gateway;

import dev.quarry.audit.AuditLog;
import dev.quarry.budget.BudgetDirectory;
import dev.quarry.catalog.Catalog;
import dev.quarry.guardrails.GuardrailRef;
import dev.quarry.guardrails.Guardrails;
import dev.quarry.identity.Authenticator;
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

/**
 * The entry point every route calls: runs a request down the governed path, a model call down the
 * model pipeline and any other call down the platform pipeline, built from the same steps.
 */
public final class Gateway {
    private final Pipeline models;
    private final Pipeline platform;

    public Gateway(Pipeline models, Pipeline platform) {
        this.models = models;
        this.platform = platform;
    }

    /**
     * The standard paths. A model call: audit → authenticate → decode → settle → choose guardrail →
     * route → authorize → rate-limit → guard → budget → invoke. A platform call: audit →
     * authenticate → decode → authorize → perform.
     */
    public static Gateway standard(Authenticator authenticator, Authorizer authorizer, Ledger ledger, Pricer pricer,
                                   Catalog catalog, ProviderRegistry providers, AuditLog audit, Clock clock,
                                   RateLimits rateLimits, Function<Principal, List<String>> groupsOf, BudgetDirectory budgets,
                                   RoutingSettings routing, Guardrails guardrails, GuardrailRef defaultGuardrail) {
        Router router = new Router(routing.retry(), routing.cooldown());
        AuditStep auditStep = new AuditStep(audit, clock);
        AuthenticateStep authenticateStep = new AuthenticateStep(authenticator);
        DecodeStep decodeStep = new DecodeStep();
        AuthorizeStep authorizeStep = new AuthorizeStep(authorizer, new RequestContext(clock));
        return new Gateway(new Pipeline(List.of(
                auditStep,
                authenticateStep,
                decodeStep,
                new SettleStep(ledger, pricer, clock),
                new ChooseGuardrailStep(guardrails, defaultGuardrail),
                new RouteStep(catalog, new Planner(catalog, routing.routes()), new Experiments(routing.experiments())),
                authorizeStep,
                new CountStep(),
                new RateLimitStep(rateLimits, groupsOf),
                new GuardStep(guardrails, audit, clock),
                new BudgetStep(budgets, budgets.sessions(), pricer, clock),
                new InvokeStep(providers, router, rateLimits, pricer, clock))),
                new Pipeline(List.of(auditStep, authenticateStep, decodeStep, authorizeStep, new PerformStep())));
    }

    /** Runs a model call (its exchange decodes to an {@link Operation}). */
    public Outcome handle(Exchange exchange) {
        return models.run(exchange);
    }

    /** Runs a platform call (its exchange holds a {@link PlatformCall}); a done call's outcome is {@link Outcome.Performed}. */
    public Outcome perform(Exchange exchange) {
        return platform.run(exchange);
    }

    /** The model pipeline's step names. */
    public List<String> steps() {
        return models.describe();
    }

    public List<String> platformSteps() {
        return platform.describe();
    }
}
