package dev.quarry.gateway;

import dev.quarry.audit.AuditLog;
import dev.quarry.catalog.Catalog;
import dev.quarry.identity.Authenticator;
import dev.quarry.identity.Credential;
import dev.quarry.identity.Principal;
import dev.quarry.metering.Ledger;
import dev.quarry.policy.Authorizer;
import dev.quarry.policy.RequestContext;
import dev.quarry.provider.ProviderRegistry;
import java.time.Clock;
import java.util.List;

/** The entry point surfaces' routes call: runs a request down the governed path. */
public final class Gateway {
    private final Pipeline pipeline;
    private final Authenticator authenticator;

    public Gateway(Pipeline pipeline, Authenticator authenticator) {
        this.pipeline = pipeline;
        this.authenticator = authenticator;
    }

    /** The standard path: audit → authenticate → decode → settle → route → authorize → invoke. */
    public static Gateway standard(Authenticator authenticator, Authorizer authorizer, Ledger ledger, Catalog catalog,
                                   ProviderRegistry providers, AuditLog audit, Clock clock) {
        return new Gateway(new Pipeline(List.of(
                new AuditStep(audit, clock),
                new AuthenticateStep(authenticator),
                new DecodeStep(),
                new SettleStep(ledger, clock),
                new RouteStep(catalog),
                new AuthorizeStep(authorizer, new RequestContext(clock)),
                new InvokeStep(providers))), authenticator);
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
