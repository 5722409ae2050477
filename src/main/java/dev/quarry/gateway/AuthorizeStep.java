package dev.quarry.gateway;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.policy.AccessRequest;
import dev.quarry.policy.Authorizer;
import dev.quarry.policy.ConditionKey;
import dev.quarry.policy.Decision;
import dev.quarry.policy.RequestContext;
import java.util.List;
import java.util.Map;

/**
 * Decides by policy whether the caller may do what it asks to the model it was routed to. It runs
 * after routing because conditions may test the serving provider and the model family. A refusal
 * is returned, not thrown, with the deciding statement on the exchange, so the audit trail
 * records what decided, and the client is told in its surface's error shape.
 */
public final class AuthorizeStep implements Step {
    private final Authorizer authorizer;
    private final RequestContext context;

    public AuthorizeStep(Authorizer authorizer, RequestContext context) {
        this.authorizer = authorizer;
        this.context = context;
    }

    @Override
    public String name() {
        return "authorize";
    }

    @Override
    public Outcome apply(Exchange exchange, Chain chain) {
        AccessRequest request = request(exchange);
        Decision decision = authorizer.decide(exchange.principal().id(), request);
        Exchange decided = exchange.withDecision(decision.decidedBy());
        return decision.allowed()
                ? chain.proceed(decided)
                : new Outcome.Rejected(decided, new QuarryError(ErrorKind.PERMISSION_DENIED, decision.explain(request), null, null));
    }

    private AccessRequest request(Exchange exchange) {
        Map<String, List<String>> keys = context.caller(exchange.principal(), exchange.credential(), exchange.clientAddress());
        keys.put(ConditionKey.MODEL_PROVIDER.keyName(), List.of(exchange.deployment().provider()));
        if (exchange.model().family() != null) keys.put(ConditionKey.MODEL_FAMILY.keyName(), List.of(exchange.model().family()));
        if (exchange.operation() instanceof Operation.Chat chat && chat.request().config().maxTokens() != null) {
            keys.put(ConditionKey.MAX_TOKENS.keyName(), List.of(chat.request().config().maxTokens().toString()));
        }
        return new AccessRequest(exchange.operation().action(), "model/" + exchange.model().id(), keys);
    }
}
