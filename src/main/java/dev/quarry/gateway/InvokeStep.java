package dev.quarry.gateway;

import dev.quarry.canonical.EmbeddingResponse;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.SettlingStream;
import dev.quarry.canonical.TokenEstimate;
import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.pricing.Pricer;
import dev.quarry.provider.Provider;
import dev.quarry.provider.ProviderCall;
import dev.quarry.provider.ProviderRegistry;
import dev.quarry.ratelimit.Admission;
import dev.quarry.ratelimit.RateLimits;
import dev.quarry.ratelimit.Subjects;
import dev.quarry.ratelimit.TokenSettlement;
import dev.quarry.routing.AtCapacity;
import dev.quarry.routing.Attempter;
import dev.quarry.routing.CostOf;
import dev.quarry.routing.Routed;
import dev.quarry.routing.Router;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * The last step: has the router find a deployment that answers, and makes each attempt on the
 * deployment's provider. An attempt counts against the deployment's capacity (its rate limits)
 * before it is sent, and for a chat it lasts until the stream's first event, so a stream that
 * fails before the client saw anything is retried elsewhere.
 */
public final class InvokeStep implements Step {
    private final ProviderRegistry providers;
    private final Router router;
    private final RateLimits capacity;
    private final Pricer pricer;
    private final Clock clock;

    public InvokeStep(ProviderRegistry providers, Router router, RateLimits capacity, Pricer pricer, Clock clock) {
        this.providers = providers;
        this.router = router;
        this.capacity = capacity;
        this.pricer = pricer;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "invoke";
    }

    @Override
    public Outcome apply(Exchange exchange, Chain chain) {
        if (exchange.route() == null) throw new IllegalStateException("invoke ran before the request was routed");
        long reserved = RateLimitStep.reservedTokens(exchange);
        return switch (exchange.operation()) {
            case Operation.Chat chat -> {
                long prompt = TokenEstimate.of(chat.request());
                Integer asked = chat.request().config().maxTokens();
                CostOf costs = (model, d) -> pricer.worstCase(model.id(), d.provider(), prompt,
                        asked == null ? model.maxOutputTokens() : asked, clock.instant());
                Routed<EventStream> routed = router.route(exchange.route().plan(), prompt, costs, new Attempter<>() {
                    @Override
                    public EventStream open(ModelEntry model, Deployment deployment) {
                        return stream(chat, model, deployment, reserved);
                    }

                    @Override
                    public void discard(EventStream late) {
                        late.close();
                    }
                });
                yield switch (routed) {
                    case Routed.Served<EventStream> s -> new Outcome.Streamed(served(exchange, s),
                            new SettlingStream(s.value(), end -> s.finished().accept(end.error())));
                    case Routed.Failed<EventStream> f -> new Outcome.Rejected(failed(exchange, f), f.error());
                };
            }
            case Operation.Embed embed -> {
                Routed<EmbeddingResponse> routed = router.route(exchange.route().plan(), reserved, CostOf.UNPRICED,
                        (model, deployment) -> counted(deployment, reserved,
                                () -> provider(model, deployment).embed(embed.request().withModel(model.id()), deployment.upstreamModel()),
                                (response, settlement) -> {
                                    settlement.settle(response.usage().totalTokens());
                                    return response;
                                }));
                yield switch (routed) {
                    case Routed.Served<EmbeddingResponse> s -> {
                        s.finished().accept(null);
                        yield new Outcome.Embedded(served(exchange, s), s.value());
                    }
                    case Routed.Failed<EmbeddingResponse> f -> new Outcome.Rejected(failed(exchange, f), f.error());
                };
            }
        };
    }

    /** Opens the stream and waits for its first event: until then a failure is the attempt's, and routing may go elsewhere. */
    private EventStream stream(Operation.Chat chat, ModelEntry model, Deployment deployment, long reserved) {
        return counted(deployment, reserved, () -> {
            EventStream stream = provider(model, deployment).stream(new ProviderCall(chat.request().withModel(model.id()),
                    deployment.upstreamModel()));
            try {
                stream.hasNext();
                return stream;
            } catch (RuntimeException e) {
                stream.close();
                throw e;
            }
        }, (stream, settlement) -> new SettlingStream(stream, end -> settlement.settle(end.usage().totalTokens())));
    }

    private interface Settled<T> {
        T settleWith(T value, TokenSettlement settlement);
    }

    /** Runs a call within the deployment's capacity: refused before sending when it is full, its tokens settled when it ends. */
    private <T> T counted(Deployment deployment, long reserved, Supplier<T> call, Settled<T> settle) {
        if (!capacity.limitsDeployments()) return call.get();
        TokenSettlement settlement = switch (capacity.admit(Subjects.deployment(deployment.key()), reserved)) {
            case Admission.Refused refused -> throw new AtCapacity("at its capacity (" + refused.charge().description() + ")",
                    refused.retryAfter());
            case Admission.Admitted admitted -> admitted.settlement();
        };
        T value;
        try {
            value = call.get();
        } catch (RuntimeException e) {
            settlement.settle(0);
            throw e;
        }
        return settle.settleWith(value, settlement);
    }

    private Provider provider(ModelEntry model, Deployment deployment) {
        return providers.get(deployment.provider()).orElseThrow(() -> QuarryException.of(ErrorKind.MODEL_UNAVAILABLE,
                "Model '" + model.id() + "' is deployed on provider '" + deployment.provider()
                        + "', which is not configured. Add it under 'providers:'."));
    }

    private static Exchange served(Exchange exchange, Routed.Served<?> served) {
        return exchange.withRoute(served.model(), served.deployment()).withRouting(exchange.route().withTrace(served.trace()));
    }

    private static Exchange failed(Exchange exchange, Routed.Failed<?> failed) {
        Exchange traced = exchange.withRouting(exchange.route().withTrace(failed.trace()));
        return failed.deployment() == null ? traced : traced.withRoute(failed.model(), failed.deployment());
    }
}
