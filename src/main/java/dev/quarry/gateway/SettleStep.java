package dev.quarry.gateway;

import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.Usage;
import dev.quarry.metering.Ledger;
import dev.quarry.metering.UsageRecord;
import java.time.Clock;

/**
 * Puts every authenticated request in the ledger, whatever its fate: refused, answered at once,
 * or streamed (then the record is written when the stream ends, before its last event is handed
 * on, so the client's last byte never precedes a durable record).
 */
public final class SettleStep implements Step {
    private final Ledger ledger;
    private final Clock clock;

    public SettleStep(Ledger ledger, Clock clock) {
        this.ledger = ledger;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "settle";
    }

    @Override
    public Outcome apply(Exchange exchange, Chain chain) {
        Outcome outcome = chain.proceed(exchange);
        return switch (outcome) {
            case Outcome.Streamed s -> new Outcome.Streamed(s.exchange(), new SettlingEventStream(s.stream(), s.exchange(), this));
            case Outcome.Embedded e -> {
                record(e.exchange(), e.response().usage(), "completed", null);
                yield e;
            }
            case Outcome.Rejected r -> {
                record(r.exchange(), Usage.ZERO, "failed", r.error());
                yield r;
            }
        };
    }

    void record(Exchange exchange, Usage usage, String status, QuarryError error) {
        ledger.record(new UsageRecord(
                exchange.requestId(),
                exchange.principal().id(),
                exchange.surface(),
                exchange.operation().label(),
                exchange.model() == null ? exchange.operation().model() : exchange.model().id(),
                exchange.deployment() == null ? null : exchange.deployment().provider(),
                exchange.deployment() == null ? null : exchange.deployment().upstreamModel(),
                usage,
                exchange.elapsedMillis(),
                status,
                error == null ? null : error.kind().name(),
                clock.instant()));
    }
}
