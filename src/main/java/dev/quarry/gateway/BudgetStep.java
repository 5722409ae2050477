package dev.quarry.gateway;

import dev.quarry.budget.Budget;
import dev.quarry.budget.BudgetDirectory;
import dev.quarry.budget.Micros;
import dev.quarry.budget.Reservation;
import dev.quarry.budget.SessionBudgets;
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
 * cannot cover it; when the request settles ({@link Settlement}), releases the reservation and
 * counts the actual cost.
 *
 * <p>A call a managed-agent session makes is also held to the session's cap
 * ({@link Origin#spendLimitMicros()}): its output allowance is first cut to what the rest of the
 * cap can pay for (down to {@value #SESSION_FLOOR_TOKENS} tokens; below that it is refused), so a
 * session runs until its money is spent instead of failing on a worst case it would never reach.
 *
 * <p>A model with no price cannot be held to a limit in dollars: its calls are admitted, reserve
 * nothing and count nothing, and the first one per model and provider is logged so an operator
 * sees that a budget is not holding it.
 */
public final class BudgetStep implements Step {
    private static final Logger LOG = Logger.getLogger(BudgetStep.class.getName());

    /** The smallest answer a session's call is cut to before it is refused instead. */
    static final int SESSION_FLOOR_TOKENS = 256;

    private final BudgetDirectory budgets;
    private final SessionBudgets sessions;
    private final Pricer pricer;
    private final Clock clock;
    private final Set<String> unpricedLogged = ConcurrentHashMap.newKeySet();

    public BudgetStep(BudgetDirectory budgets, SessionBudgets sessions, Pricer pricer, Clock clock) {
        this.budgets = budgets;
        this.sessions = sessions;
        this.pricer = pricer;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "budget";
    }

    @Override
    public Outcome apply(Exchange asked, Chain chain) {
        Origin origin = asked.origin();
        boolean capped = origin != null && origin.spendLimitMicros() != null;
        List<Budget> applicable = budgets.applicableTo(asked.principal());
        if (applicable.isEmpty() && !capped) return chain.proceed(asked);
        SessionBudgets.Cap cap = capped ? sessions.cap(origin.sessionId(), origin.spendLimitMicros()) : null;
        Exchange exchange = capped ? withinSessionCap(asked, cap) : asked;
        Settlement settlement = Settlement.of(exchange);
        Optional<BigDecimal> worstCase = worstCase(exchange);
        if (worstCase.isEmpty()) {
            if (unpricedLogged.add(exchange.model().id() + "@" + exchange.deployment().provider())) {
                LOG.warning(() -> "model '" + exchange.model().id() + "' on provider '" + exchange.deployment().provider()
                        + "' has no price: budgets cannot hold its calls, which are admitted and count as $0");
            }
            return chain.proceed(exchange);
        }
        long micros = Micros.roundedUp(worstCase.get());
        SessionBudgets.Held session = capped ? cap.reserve(micros) : null;
        Reservation reservation;
        try {
            reservation = budgets.reserve(applicable, micros);
        } catch (RuntimeException e) {
            if (session != null) session.settle(0);
            throw e;
        }
        settlement.on(Settlement.Order.BUDGETS, settled -> {
            long cost = cost(settled.exchange(), settled.usage());
            reservation.settle(cost);
            if (session != null) session.settle(cost);
        });
        return chain.proceed(exchange);
    }

    /**
     * The call with its output allowance cut to what the rest of the session's cap pays for at the
     * dearest candidate's prices; unchanged when it fits or cannot be priced.
     *
     * @throws dev.quarry.canonical.QuarryException {@code BUDGET_EXCEEDED} when not even {@value #SESSION_FLOOR_TOKENS} tokens fit
     */
    private Exchange withinSessionCap(Exchange exchange, SessionBudgets.Cap cap) {
        if (!(exchange.operation() instanceof Operation.Chat chat)) return exchange;
        long remaining = cap.remaining();
        Optional<BigDecimal> asked = worstCase(exchange);
        if (asked.isEmpty() || Micros.roundedUp(asked.get()) <= remaining) return exchange;
        long low = SESSION_FLOOR_TOKENS;
        long high = chat.outputAllowance(exchange.model()) - 1;
        if (!fits(exchange, chat, low, remaining)) {
            cap.reserve(Micros.roundedUp(worstCaseAt(exchange, chat, low))); // refuses, naming the cap
        }
        while (low < high) { // the largest allowance that fits: costs grow with it
            long mid = (low + high + 1) / 2;
            if (fits(exchange, chat, mid, remaining)) low = mid;
            else high = mid - 1;
        }
        return exchange.withOperation(chat.withMaxTokens((int) low));
    }

    private boolean fits(Exchange exchange, Operation.Chat chat, long tokens, long remaining) {
        return Micros.roundedUp(worstCaseAt(exchange, chat, tokens)) <= remaining;
    }

    private BigDecimal worstCaseAt(Exchange exchange, Operation.Chat chat, long tokens) {
        return worstCase(exchange.withOperation(chat.withMaxTokens((int) tokens))).orElse(BigDecimal.ZERO);
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
