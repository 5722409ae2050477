package dev.quarry.gateway;

import dev.quarry.audit.AuditEvent;
import dev.quarry.audit.AuditLog;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.policy.Actions;
import java.time.Clock;
import java.util.UUID;

/**
 * Puts every call in the audit trail, refused ones included: who (when known), from where, what
 * action on which model, allowed or denied and by which policy statement, and the request id.
 * It runs first so that nothing, not even a failed authentication, escapes it; it records when
 * the pipeline has decided, not when a stream ends. It never sees prompts or answers.
 */
public final class AuditStep implements Step {
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
        Outcome outcome = chain.proceed(exchange);
        Exchange seen = outcome.exchange();
        ErrorKind error = outcome instanceof Outcome.Rejected r ? r.error().kind() : null;
        log.record(new AuditEvent(
                UUID.randomUUID().toString(),
                clock.instant(),
                seen.principal() == null ? null : seen.principal().id(),
                seen.principal() == null ? null : seen.principal().name(),
                seen.principal() == null ? null : seen.principal().onBehalfOfName(),
                seen.clientAddress(),
                seen.userAgent(),
                seen.operation() == null ? Actions.INVOKE_MODEL : seen.operation().action(),
                "model/" + (seen.model() != null ? seen.model().id() : seen.operation() != null ? seen.operation().model() : "*"),
                AuditEvent.decision(error),
                seen.decidedBy(),
                seen.requestId(),
                error == null ? null : error.name()));
        return outcome;
    }
}
