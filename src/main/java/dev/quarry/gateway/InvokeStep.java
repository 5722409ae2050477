package dev.quarry.gateway;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.provider.Provider;
import dev.quarry.provider.ProviderCall;
import dev.quarry.provider.ProviderRegistry;

/** The last step: calls the chosen deployment's provider. */
public final class InvokeStep implements Step {
    private final ProviderRegistry providers;

    public InvokeStep(ProviderRegistry providers) {
        this.providers = providers;
    }

    @Override
    public String name() {
        return "invoke";
    }

    @Override
    public Outcome apply(Exchange exchange, Chain chain) {
        if (exchange.deployment() == null) throw new IllegalStateException("invoke ran before a deployment was chosen");
        String providerName = exchange.deployment().provider();
        Provider provider = providers.get(providerName).orElseThrow(() -> QuarryException.of(ErrorKind.MODEL_UNAVAILABLE,
                "Model '" + exchange.model().id() + "' is deployed on provider '" + providerName
                        + "', which is not configured. Add it under 'providers:'."));
        String upstreamModel = exchange.deployment().upstreamModel();
        return switch (exchange.operation()) {
            case Operation.Chat chat -> new Outcome.Streamed(exchange,
                    provider.stream(new ProviderCall(chat.request().withModel(exchange.model().id()), upstreamModel)));
            case Operation.Embed embed -> new Outcome.Embedded(exchange,
                    provider.embed(embed.request().withModel(exchange.model().id()), upstreamModel));
        };
    }
}
