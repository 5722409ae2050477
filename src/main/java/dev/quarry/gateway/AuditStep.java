package dev.quarry.gateway;

import dev.quarry.audit.AuditEvent;
import dev.quarry.audit.AuditLog;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.policy.Actions;
import java.time.Clock;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Puts every call in the audit trail, refused and failed ones included: who (when known), from
 * where, what action on which resource, allowed or denied and by which policy statement, and the
 * request id. It runs first so that nothing, not even a failed authentication, escapes it; it
 * records when the pipeline has decided, not when a stream ends, and records even when an error
 * escapes the steps below (as an internal error). It never sees prompts or answers.
 */
public final class AuditStep implements Step {
    private static final Logger LOG = Logger.getLogger(AuditStep.class.getName());
    private final AuditLog log;
    private final Clock clock;

    public AuditStep(AuditLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "audit";
    }

    @Override
    public Outcome apply(Exchange exchange, Chain chain) {
        Outcome outcome = null;
        try {
            outcome = chain.proceed(exchange);
            return outcome;
        } finally {
            // The pipeline turns a step's exception into an outcome; only an Error leaves none.
            ErrorKind error = outcome == null ? ErrorKind.INTERNAL : outcome instanceof Outcome.Rejected r ? r.error().kind() : null;
            try {
                record(outcome == null ? exchange : outcome.exchange(), error);
            } catch (RuntimeException e) {
                // Only a closed log refuses (it queues, it never writes here): the answer, perhaps an
                // open stream whose end settles the ledger and budgets, must still reach the client.
                LOG.log(Level.SEVERE, "request " + exchange.requestId() + " could not be audited", e);
            }
        }
    }

    private void record(Exchange seen, ErrorKind error) {
        log.record(new AuditEvent(
                UUID.randomUUID().toString(),
                clock.instant(),
                seen.principal() == null ? null : seen.principal().id(),
                seen.principal() == null ? null : seen.principal().name(),
                seen.principal() == null ? null : seen.principal().onBehalfOfName(),
                seen.clientAddress(),
                seen.userAgent(),
                seen.call() == null ? Actions.INVOKE_MODEL : seen.call().action(),
                seen.auditedResource(),
                AuditEvent.decision(error),
                seen.auditedDecision(),
                seen.requestId(),
                error == null ? null : error.name(),
                seen.origin() == null ? null : seen.origin().sessionId(),
                seen.origin() == null ? null : seen.origin().turnId()));
    }
}
