package dev.quarry.gateway;

import dev.quarry.canonical.EmbeddingResponse;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.QuarryException;
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
 * fails before the client saw anything is retried elsewhere. The attempt that answered holds its
 * capacity, and its deployment's in-flight count, until the request settles.
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
        Settlement settlement = Settlement.of(exchange);
        long reserved = exchange.operation().reservedTokens(exchange.model());
        return switch (exchange.operation()) {
            case Operation.Chat chat -> {
                long prompt = chat.promptEstimate();
                CostOf costs = (model, d) -> pricer.worstCase(model.id(), d.provider(), prompt, chat.outputAllowance(model), clock.instant());
                Routed<Attempt<EventStream>> routed = router.route(exchange.route().plan(), chat.fitEstimate(), costs, new Attempter<>() {
                    @Override
                    public Attempt<EventStream> open(ModelEntry model, Deployment deployment) {
                        return stream(exchange, chat, model, deployment, reserved);
                    }

                    @Override
                    public boolean answersWhole(ModelEntry model, Deployment deployment) {
                        return asksWhole(chat, provider(model, deployment));
                    }

                    @Override
                    public void discard(Attempt<EventStream> late) {
                        late.capacity().settle(0);
                        late.value().close();
                    }
                });
                yield switch (routed) {
                    case Routed.Served<Attempt<EventStream>> s -> {
                        settleWith(settlement, s);
                        yield new Outcome.Streamed(served(exchange, s), s.value().value());
                    }
                    case Routed.Failed<Attempt<EventStream>> f -> new Outcome.Rejected(failed(exchange, f), f.error());
                };
            }
            case Operation.Embed embed -> {
                // Each input must fit the model's window on its own; a batch is not one prompt.
                long largest = embed.request().inputs().stream().mapToLong(TokenEstimate::of).max().orElse(0);
                Routed<Attempt<EmbeddingResponse>> routed = router.route(exchange.route().plan(), largest, CostOf.UNPRICED, new Attempter<>() {
                    @Override
                    public Attempt<EmbeddingResponse> open(ModelEntry model, Deployment deployment) {
                        return counted(exchange, model, deployment, reserved,
                                () -> provider(model, deployment).embed(embed.request().withModel(model.id()), deployment.upstreamModel()));
                    }

                    /** Too late to be used, but the upstream did the work: its capacity counts it. */
                    @Override
                    public void discard(Attempt<EmbeddingResponse> late) {
                        late.capacity().settle(late.value().usage().totalTokens());
                    }
                });
                yield switch (routed) {
                    case Routed.Served<Attempt<EmbeddingResponse>> s -> {
                        settleWith(settlement, s);
                        yield new Outcome.Embedded(served(exchange, s), s.value().value());
                    }
                    case Routed.Failed<Attempt<EmbeddingResponse>> f -> new Outcome.Rejected(failed(exchange, f), f.error());
                };
            }
        };
    }

    /**
     * An attempt that answered, with the capacity it holds on its deployment until the request
     * settles ({@link #NOTHING_HELD} when the deployment has no limits).
     */
    private record Attempt<T>(T value, TokenSettlement capacity) {}

    private static final TokenSettlement NOTHING_HELD = tokens -> { };

    /** The served attempt's capacity is trued up, and the deployment's health told, when the request settles. */
    private static void settleWith(Settlement settlement, Routed.Served<? extends Attempt<?>> served) {
        TokenSettlement capacity = served.value().capacity();
        settlement.on(Settlement.Order.RATE_LIMITS, settled -> capacity.settle(settled.usage().totalTokens()));
        settlement.on(Settlement.Order.ROUTING, settled -> served.finished().accept(settled.error()));
    }

    /** Whether the upstream is asked for the whole answer: only by a client that does not stream, of a provider configured for it. */
    private static boolean asksWhole(Operation.Chat chat, Provider provider) {
        return !chat.streaming() && provider.answersWhole();
    }

    /** Opens the stream and waits for its first event: until then a failure is the attempt's, and routing may go elsewhere. */
    private Attempt<EventStream> stream(Exchange exchange, Operation.Chat chat, ModelEntry model, Deployment deployment, long reserved) {
        return counted(exchange, model, deployment, reserved, () -> {
            Provider provider = provider(model, deployment);
            EventStream stream = provider.stream(new ProviderCall(chat.request().withModel(model.id()),
                    deployment.upstreamModel(), !asksWhole(chat, provider)));
            try {
                stream.hasNext();
                return stream;
            } catch (RuntimeException e) {
                stream.close();
                throw e;
            }
        });
    }

    /**
     * Runs a call within the deployment's capacity, and a fallback model's own limits (the model
     * asked for was counted before routing): refused before sending when one is full, given back
     * at once when the call fails, else held by the attempt that answered.
     */
    private <T> Attempt<T> counted(Exchange exchange, ModelEntry model, Deployment deployment, long reserved, Supplier<T> call) {
        boolean fallback = model != exchange.model();
        if (!capacity.limits(Scope.DEPLOYMENT) && !(fallback && capacity.limits(Scope.MODEL))) return new Attempt<>(call.get(), NOTHING_HELD);
        Subjects subjects = Subjects.attempt(fallback ? model.id() : null, deployment.key());
        TokenSettlement settlement = switch (capacity.admit(subjects, reserved)) {
            case Admission.Refused refused -> throw new AtCapacity("at its capacity (" + refused.charge().description() + ")",
                    refused.retryAfter());
            case Admission.Admitted admitted -> admitted.settlement();
        };
        try {
            return new Attempt<>(call.get(), settlement);
        } catch (RuntimeException e) {
            settlement.settle(0);
            throw e;
        }
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
