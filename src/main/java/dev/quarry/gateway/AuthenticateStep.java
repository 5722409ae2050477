package dev.quarry.gateway;

import dev.quarry.identity.Authenticator;
import dev.quarry.identity.KeyRefused;
import dev.quarry.identity.Principal;

/** Establishes who is calling from the presented credential; nothing below runs for a stranger. */
public final class AuthenticateStep implements Step {
    private final Authenticator authenticator;

    public AuthenticateStep(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public String name() {
        return "authenticate";
    }

    @Override
    public Outcome apply(Exchange exchange, Chain chain) {
        Principal caller;
        try {
            caller = authenticator.authenticate(exchange.credential());
        } catch (KeyRefused e) {
            // An attempt on a known key: the audit names the key and its owner; nothing below runs on a rejection.
            return new Outcome.Rejected(exchange.withPrincipal(e.owner()).withDecision(e.decidedBy()), e.error());
        }
        return chain.proceed(exchange.withPrincipal(caller));
    }
}
