package dev.quarry.gateway;

import dev.quarry.audit.AuditLog;
import dev.quarry.guardrails.Assessment;
import dev.quarry.guardrails.BlockedReply;
import dev.quarry.guardrails.Guard;
import dev.quarry.guardrails.GuardRecord;
import dev.quarry.guardrails.GuardedStream;
import dev.quarry.guardrails.GuardrailSpec.Source;
import dev.quarry.guardrails.Guardrails;
import dev.quarry.guardrails.Interventions;
import dev.quarry.guardrails.Placeholders;
import dev.quarry.guardrails.PromptTexts;
import dev.quarry.guardrails.Verdict;
import java.time.Clock;

/**
 * Runs the request's guardrail on the way in and on the way back. A blocked prompt never reaches
 * a provider: the client gets the guardrail's message as the answer, and nothing is billed. An
 * anonymised prompt goes on with placeholders in place of the values. The answer is checked as
 * it streams ({@link GuardedStream}). Every intervention is an audit event naming the guardrail
 * version and what it found — the policies and entity types, never the matched text.
 */
public final class GuardStep implements Step {
    private final Guardrails guardrails;
    private final AuditLog audit;
    private final Clock clock;

    public GuardStep(Guardrails guardrails, AuditLog audit, Clock clock) {
        this.guardrails = guardrails;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "guard";
    }

    @Override
    public Outcome apply(Exchange exchange, Chain chain) {
        if (exchange.guardrail() == null || !(exchange.operation() instanceof Operation.Chat chat)) return chain.proceed(exchange);
        // Chosen before authorization; an unknown guardrail or version is refused here, now that the caller may use it.
        Guard guard = guardrails.guard(guardrails.choose(exchange.guardrail()));
        GuardRecord record = new GuardRecord(guard.ref(), (source, assessment) -> audit(exchange, guard, source, assessment));
        Placeholders placeholders = guard.placeholders();
        PromptTexts prompt = PromptTexts.of(chat.request());
        Verdict verdict = guard.check(Source.INPUT, prompt.texts(), prompt.userWritten(), placeholders);
        record.assessed(Source.INPUT, verdict.assessment());
        Exchange guarded = exchange.withGuardRecord(record);
        if (verdict.blocked()) {
            // No deployment served it: the ledger names no provider for a prompt that never left.
            return new Outcome.Streamed(guarded.withRoute(exchange.model(), null), BlockedReply.of(exchange.requestId(), chat.request().model(), verdict.outputs().getFirst()));
        }
        if (verdict.intervened()) {
            guarded = guarded.withOperation(new Operation.Chat(PromptTexts.replace(chat.request(), verdict.outputs()), chat.streaming()));
        }
        long promptEstimate = guarded.operation().promptEstimate();
        Outcome outcome = chain.proceed(guarded);
        if (!(outcome instanceof Outcome.Streamed s)) return outcome;
        return new Outcome.Streamed(s.exchange(),
                new GuardedStream(s.stream(), guard, !chat.streaming(), placeholders, record, () -> promptEstimate));
    }

    private void audit(Exchange exchange, Guard guard, Source source, Assessment assessment) {
        audit.record(Interventions.event(clock.instant(), exchange.principal().id(), exchange.principal().name(),
                exchange.principal().onBehalfOfName(), exchange.clientAddress(),
                exchange.userAgent(), guard.ref(), source, assessment, exchange.requestId()));
    }
}
