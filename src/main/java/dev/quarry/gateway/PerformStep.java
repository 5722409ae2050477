package dev.quarry.gateway;

/** The platform pipeline's last step: runs the authorized call's handler. */
public final class PerformStep implements Step {
    @Override
    public String name() {
        return "perform";
    }

    @Override
    public Outcome apply(Exchange exchange, Chain chain) {
        if (!(exchange.call() instanceof PlatformCall call)) throw new IllegalStateException("the perform step got " + exchange.call());
        PlatformContext context = new PlatformContext(exchange.principal(), call.body(), exchange.requestId(), call.name(), exchange.grant());
        return new Outcome.Performed(exchange, call.handler().handle(context));
    }
}
