package dev.quarry.gateway;

import dev.quarry.canonical.QuarryException;
import dev.quarry.guardrails.GuardrailRef;
import dev.quarry.guardrails.Guardrails;
import java.util.Map;

/**
 * Settles which guardrail version a request runs under, before it is authorized, so that a
 * policy can require one ({@code quarry:GuardrailIdentifier}). The client names it in a header
 * (every surface) or, on Bedrock Converse, in {@code guardrailConfig}; naming two different ones
 * is refused rather than one silently winning. A request that names none, chat or embeddings, runs
 * under the configured default, if there is one. An unknown guardrail or version goes on as named and is
 * refused by the guard step, after authorization: a caller not allowed to use it learns nothing of
 * which guardrails exist; either way no model runs.
 */
public final class ChooseGuardrailStep implements Step {
    private final Guardrails guardrails;
    private final GuardrailRef byDefault;

    /** @param byDefault the guardrail of requests that name none, or {@code null} */
    public ChooseGuardrailStep(Guardrails guardrails, GuardrailRef byDefault) {
        this.guardrails = guardrails;
        this.byDefault = byDefault;
    }

    @Override
    public String name() {
        return "choose-guardrail";
    }

    @Override
    public Outcome apply(Exchange exchange, Chain chain) {
        GuardrailRef asked = exchange.guardrailAsked() == null ? null : exchange.guardrailAsked().get();
        if (exchange.operation() instanceof Operation.Chat chat && chat.request().extensions().get("guardrailConfig") instanceof Map<?, ?> config) {
            GuardrailRef inBody = GuardrailRef.fromConverse(config);
            if (asked != null && !asked.sameAs(inBody)) {
                throw QuarryException.invalid("guardrailConfig", "The request names guardrail '" + inBody + "' in guardrailConfig and '"
                        + asked + "' in a header; name one.");
            }
            asked = inBody;
        }
        if (asked == null) asked = byDefault;
        if (asked == null) return chain.proceed(exchange);
        GuardrailRef chosen;
        try {
            chosen = guardrails.choose(asked);
        } catch (QuarryException unknown) {
            chosen = asked;
        }
        return chain.proceed(exchange.withGuardrail(chosen));
    }
}
