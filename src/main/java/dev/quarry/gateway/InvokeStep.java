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
import dev.quarry.ratelimit.Scope;
import dev.quarry.ratelimit.Subjects;
import dev.quarry.ratelimit.TokenSettlement;
import dev.quarry.routing.AtCapacity;
import dev.quarry.routing.Attempter;
import dev.quarry.routing.CostOf;
import dev.quarry.routing.RoutePlan;
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
        long reserved = exchange.operation().reservedTokens(exchange.model());
        return switch (exchange.operation()) {
            case Operation.Chat chat -> {
                long prompt = chat.promptEstimate();
                CostOf costs = (model, d) -> pricer.worstCase(model.id(), d.provider(), prompt, chat.outputAllowance(model), clock.instant());
                Routed<EventStream> routed = router.route(exchange.route().plan(), prompt, costs, new Attempter<>() {
                    @Override
                    public EventStream open(ModelEntry model, Deployment deployment) {
                        return stream(exchange, chat, model, deployment, reserved);
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
                // Each input must fit the model's window on its own; a batch is not one prompt.
                long largest = embed.request().inputs().stream().mapToLong(TokenEstimate::of).max().orElse(0);
                Routed<EmbeddingResponse> routed = router.route(exchange.route().plan(), largest, CostOf.UNPRICED,
                        (model, deployment) -> counted(exchange, model, deployment, reserved,
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
    private EventStream stream(Exchange exchange, Operation.Chat chat, ModelEntry model, Deployment deployment, long reserved) {
        return counted(exchange, model, deployment, reserved, () -> {
            EventStream stream = provider(model, deployment).stream(new ProviderCall(chat.request().withModel(model.id()),
                    deployment.upstreamModel()));
            try {
                stream.hasNext();
                return stream;
            } catch (RuntimeException e) {
                stream.close();
                throw e;
            }
        }, (stream, settlement) -> new SettlingStream(stream, chat::promptEstimate, end -> settlement.settle(end.usage().totalTokens())));
    }

    private interface Settled<T> {
        T settleWith(T value, TokenSettlement settlement);
    }

    /**
     * Runs a call within the deployment's capacity, and a fallback model's own limits (the model
     * asked for was counted before routing): refused before sending when one is full, its tokens
     * settled when it ends.
     */
    private <T> T counted(Exchange exchange, ModelEntry model, Deployment deployment, long reserved, Supplier<T> call, Settled<T> settle) {
        boolean fallback = model != exchange.model();
        if (!capacity.limits(Scope.DEPLOYMENT) && !(fallback && capacity.limits(Scope.MODEL))) return call.get();
        Subjects subjects = Subjects.attempt(fallback ? model.id() : null, deployment.key());
        TokenSettlement settlement = switch (capacity.admit(subjects, reserved)) {
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

    /** The exchange as served: by which model and deployment, after which attempts, allowed by which statement. */
    private static Exchange served(Exchange exchange, Routed.Served<?> served) {
        Route route = exchange.route();
        String allowedBy = route.decidedBy().get(RoutePlan.key(served.model(), served.deployment()));
        return exchange.withRoute(served.model(), served.deployment()).withRouting(route.withTrace(served.trace()))
                .withDecision(allowedBy != null ? allowedBy : exchange.decidedBy());
    }

    private static Exchange failed(Exchange exchange, Routed.Failed<?> failed) {
        Exchange traced = exchange.withRouting(exchange.route().withTrace(failed.trace()));
        return failed.deployment() == null ? traced : traced.withRoute(failed.model(), failed.deployment());
    }
}
