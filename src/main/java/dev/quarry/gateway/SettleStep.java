package dev.quarry.gateway;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.SettlingStream;
import dev.quarry.canonical.Usage;
import dev.quarry.gateway.Settlement.Settled;
import dev.quarry.metering.Ledger;
import dev.quarry.metering.UsageRecord;
import dev.quarry.pricing.Money;
import dev.quarry.pricing.Pricer;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Settles every authenticated request once its answer ends, whatever its fate: refused, answered
 * at once, or streamed (then when the stream ends, is cut or breaks, before its last event is
 * handed on). It opens the request's {@link Settlement}, in which the ledger records first (so the
 * client's last byte never precedes a durable record) and steps further on give back what they
 * reserved. The cost is computed here from the price sheet at the moment of settling, never taken
 * from what a provider reports.
 */
public final class SettleStep implements Step {
    private static final Logger LOG = Logger.getLogger(SettleStep.class.getName());
    private final Ledger ledger;
    private final Pricer pricer;
    private final Clock clock;

    public SettleStep(Ledger ledger, Pricer pricer, Clock clock) {
        this.ledger = ledger;
        this.pricer = pricer;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "settle";
    }

    @Override
    public Outcome apply(Exchange exchange, Chain chain) {
        Settlement settlement = new Settlement();
        settlement.on(Settlement.Order.LEDGER, settled -> record(settled.exchange(), settled.usage(),
                settled.ending().name().toLowerCase(Locale.ROOT), settled.error()));
        // A fault further on comes back as a refusal (the pipeline's cursor turns it into one), so it settles below too.
        Outcome outcome = chain.proceed(exchange.withSettlement(settlement));
        return switch (outcome) {
            case Outcome.Streamed s -> new Outcome.Streamed(s.exchange(), new SettlingStream(s.stream(), s.exchange().operation()::promptEstimate,
                    end -> settleStream(settlement, new Settled(s.exchange(), end.ending(), end.usage(), end.error()))));
            case Outcome.Embedded e -> {
                settlement.settle(Settled.completed(e.exchange(), e.response().usage()));
                yield e;
            }
            case Outcome.Performed p -> p; // a platform call's; it never passes this model-call step
            case Outcome.Rejected r -> {
                settlement.settle(Settled.refused(r.exchange(), r.error()));
                yield r;
            }
        };
    }

    /**
     * Settles a stream as it ends. A settlement that fails (the ledger cannot record) withholds the
     * answer's end and reaches the client as an internal error, in the surface's own in-stream
     * error event: the encoders turn only a {@link QuarryException} into one, and anything else
     * would end the HTTP body cleanly, a truncated answer the client cannot tell from a whole one.
     * The cause goes to the server log.
     */
    private static void settleStream(Settlement settlement, Settled settled) {
        try {
            settlement.settle(settled);
        } catch (QuarryException e) {
            throw e;
        } catch (RuntimeException e) {
            String requestId = settled.exchange().requestId();
            LOG.log(Level.SEVERE, "request " + requestId + " could not settle as it ended (" + settled.ending().name().toLowerCase(Locale.ROOT)
                    + ")", e);
            throw QuarryException.of(ErrorKind.INTERNAL, "The call failed inside Quarry (request " + requestId
                    + "): its usage could not be recorded, so its answer was not finished; the server log has the cause.");
        }
    }

    private void record(Exchange exchange, Usage usage, String status, QuarryError error) {
        Instant now = clock.instant();
        String provider = exchange.deployment() == null ? null : exchange.deployment().provider();
        ledger.record(new UsageRecord(
                exchange.requestId(),
                exchange.principal().id(),
                exchange.principal().onBehalfOfId(),
                exchange.surface(),
                exchange.operation().label(),
                exchange.model() == null ? exchange.operation().model() : exchange.model().id(),
                provider,
                exchange.deployment() == null ? null : exchange.deployment().upstreamModel(),
                usage,
                exchange.elapsedMillis(),
                status,
                error == null ? null : error.kind().name(),
                now,
                provider == null ? null : pricer.platformOf(provider).orElse(null),
                costMicros(exchange, provider, usage, now),
                routing(exchange),
                guarding(exchange),
                exchange.origin() == null ? null : exchange.origin().sessionId(),
                exchange.origin() == null ? null : exchange.origin().turnId()));
    }

    private static UsageRecord.Routing routing(Exchange exchange) {
        Route route = exchange.route();
        if (route == null) return new UsageRecord.Routing(0, null, null);
        int attempts = route.trace() == null ? 0 : route.trace().attempts().size();
        return route.assignment() == null ? new UsageRecord.Routing(attempts, null, null)
                : new UsageRecord.Routing(attempts, route.assignment().experiment(), route.assignment().variant());
    }

    private static UsageRecord.Guarding guarding(Exchange exchange) {
        if (exchange.guardRecord() != null) return new UsageRecord.Guarding(exchange.guardRecord().ref().toString(), exchange.guardRecord().action());
        return exchange.guardrail() == null ? UsageRecord.Guarding.NONE : new UsageRecord.Guarding(exchange.guardrail().toString(), null);
    }

    /** Nothing produced costs nothing, priced or not; otherwise the sheet's price of the day, or unpriced. */
    private Long costMicros(Exchange exchange, String provider, Usage usage, Instant at) {
        if (usage.totalTokens() == 0) return 0L;
        if (provider == null) return null;
        return pricer.cost(exchange.model().id(), provider, usage, at).map(Money::toMicros).orElse(null);
    }
}
