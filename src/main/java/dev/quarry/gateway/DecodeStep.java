package dev.quarry.gateway;

/** Reads what the client asks for. It runs after authentication: unauthenticated bodies are never parsed. */
public final class DecodeStep implements Step {
    @Override
    public String name() {
        return "decode";
    }

    @Override
    public Outcome apply(Exchange exchange, Chain chain) {
        return chain.proceed(exchange.withCall(exchange.decoder().decode()));
    }
}
