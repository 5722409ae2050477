package dev.quarry.gateway;

import dev.quarry.budget.Budget;
import dev.quarry.budget.BudgetDirectory;
import dev.quarry.budget.Micros;
import dev.quarry.budget.Reservation;
import dev.quarry.canonical.SettlingStream;
import dev.quarry.canonical.Usage;
import dev.quarry.pricing.Money;
import dev.quarry.pricing.Pricer;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Holds a request to the budgets of its caller: before it goes upstream, reserves its worst-case
 * cost (estimated input tokens plus every output token it may produce, at the sheet's prices) on
 * every budget that applies, all or none, and refuses it with {@code BUDGET_EXCEEDED} when one
 * cannot cover it; when its answer ends, releases the reservation and counts the actual cost.
 *
 * <p>A model with no price cannot be held to a limit in dollars: its calls are admitted, reserve
 * nothing and count nothing, and the first one per model and provider is logged so an operator
 * sees that a budget is not holding it.
 */
public final class BudgetStep implements Step {
    private static final Logger LOG = Logger.getLogger(BudgetStep.class.getName());

    private final BudgetDirectory budgets;
    private final Pricer pricer;
    private final Clock clock;
    private final Set<String> unpricedLogged = ConcurrentHashMap.newKeySet();

    public BudgetStep(BudgetDirectory budgets, Pricer pricer, Clock clock) {
        this.budgets = budgets;
        this.pricer = pricer;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "budget";
    }

    @Override
    public Outcome apply(Exchange exchange, Chain chain) {
        List<Budget> applicable = budgets.applicableTo(exchange.principal());
        if (applicable.isEmpty()) return chain.proceed(exchange);
        Optional<BigDecimal> worstCase = worstCase(exchange);
        if (worstCase.isEmpty()) {
            if (unpricedLogged.add(exchange.model().id() + "@" + exchange.deployment().provider())) {
                LOG.warning(() -> "model '" + exchange.model().id() + "' on provider '" + exchange.deployment().provider()
                        + "' has no price: budgets cannot hold its calls, which are admitted and count as $0");
            }
            return chain.proceed(exchange);
        }
        Reservation reservation = budgets.reserve(applicable, Micros.roundedUp(worstCase.get()));
        Outcome outcome;
        try {
            outcome = chain.proceed(exchange);
        } catch (RuntimeException e) {
            reservation.settle(0);
            throw e;
        }
        return switch (outcome) {
            case Outcome.Streamed s -> new Outcome.Streamed(s.exchange(),
                    new SettlingStream(s.stream(), exchange.operation()::promptEstimate, end -> reservation.settle(cost(s.exchange(), end.usage()))));
            case Outcome.Embedded e -> {
                reservation.settle(cost(e.exchange(), e.response().usage()));
                yield e;
            }
            case Outcome.Performed p -> p; // a platform call's; it never passes this model-call step
            case Outcome.Rejected r -> {
                reservation.settle(0);
                yield r;
            }
        };
    }

    /**
     * The most the request can cost wherever routing sends it: the dearest of its allowed models
     * and deployments, so a fallback to a pricier model is covered too. Empty when none is priced.
     */
    private Optional<BigDecimal> worstCase(Exchange exchange) {
        var dearest = new Object() {
            BigDecimal cost;
        };
        Operation operation = exchange.operation();
        long prompt = operation.promptEstimate();
        Instant now = clock.instant();
        exchange.route().plan().forEachCandidate((model, deployment) -> pricer.worstCase(model.id(), deployment.provider(), prompt,
                        operation.outputAllowance(model), now)
                .ifPresent(c -> dearest.cost = dearest.cost == null ? c : dearest.cost.max(c)));
        return Optional.ofNullable(dearest.cost);
    }

    /** The cost as the ledger records it (rounded half up to the micro-dollar, on what served), so both agree after a restart. */
    private long cost(Exchange exchange, Usage usage) {
        if (usage.totalTokens() == 0) return 0;
        return pricer.cost(exchange.model().id(), exchange.deployment().provider(), usage, clock.instant()).map(Money::toMicros).orElse(0L);
    }
}
