package dev.quarry.gateway;

import dev.quarry.identity.Authenticator;

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
        return chain.proceed(exchange.withPrincipal(authenticator.authenticate(exchange.credential())));
    }
}
