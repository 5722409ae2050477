package dev.quarry.gateway;

import dev.quarry.audit.AuditLog;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.guardrails.Assessment;
import dev.quarry.guardrails.BlockedReply;
import dev.quarry.guardrails.Guard;
import dev.quarry.guardrails.GuardRecord;
import dev.quarry.guardrails.GuardedStream;
import dev.quarry.guardrails.GuardrailSpec.Source;
import dev.quarry.guardrails.Guardrails;
import dev.quarry.guardrails.Interventions;
import dev.quarry.guardrails.Placeholders;
import dev.quarry.guardrails.RequestTexts;
import dev.quarry.guardrails.Verdict;
import java.time.Clock;

/**
 * Runs the request's guardrail on the way in and on the way back. The way in reads every text of
 * the request that would leave for a provider ({@link RequestTexts}), texts to embed included. A
 * blocked prompt never reaches a provider: the client gets the guardrail's message as the answer
 * (a refusal, for embeddings), and nothing is billed. An anonymised prompt goes on with
 * placeholders in place of the values. The answer is checked as
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
        if (exchange.guardrail() == null) return chain.proceed(exchange);
        // Chosen before authorization; an unknown guardrail or version is refused here, now that the caller may use it.
        Guard guard = guardrails.guard(guardrails.choose(exchange.guardrail()));
        GuardRecord record = new GuardRecord(guard.ref(), (source, assessment) -> audit(exchange, guard, source, assessment));
        return switch (exchange.operation()) {
            case Operation.Chat chat -> chat(exchange.withGuardRecord(record), chat, guard, record, chain);
            case Operation.Embed embed -> embed(exchange.withGuardRecord(record), embed, guard, record, chain);
        };
    }

    private Outcome chat(Exchange exchange, Operation.Chat chat, Guard guard, GuardRecord record, Chain chain) {
        Placeholders placeholders = guard.placeholders();
        Verdict verdict = guard.check(Source.INPUT, RequestTexts.of(chat.request()), placeholders);
        record.assessed(Source.INPUT, verdict.assessment());
        if (verdict.blocked()) {
            // No deployment served it: the ledger names no provider for a prompt that never left.
            return new Outcome.Streamed(exchange.withRoute(exchange.model(), null), BlockedReply.of(exchange.requestId(), chat.request().model(), verdict.outputs().getFirst()));
        }
        Exchange guarded = exchange;
        if (verdict.intervened()) {
            guarded = exchange.withOperation(chat.withRequest(RequestTexts.replace(chat.request(), verdict.outputs())));
        }
        long promptEstimate = guarded.operation().promptEstimate();
        Outcome outcome = chain.proceed(guarded);
        if (!(outcome instanceof Outcome.Streamed s)) return outcome;
        return new Outcome.Streamed(s.exchange(),
                new GuardedStream(s.stream(), guard, !chat.streaming(), placeholders, record, () -> promptEstimate));
    }

    /**
     * Texts to embed are checked as a prompt is: a blocked input is refused (an embedding has no
     * answer to put the guardrail's message in), an anonymised one is embedded with its placeholders.
     */
    private Outcome embed(Exchange exchange, Operation.Embed embed, Guard guard, GuardRecord record, Chain chain) {
        Verdict verdict = guard.check(Source.INPUT, RequestTexts.of(embed.request()), guard.placeholders());
        record.assessed(Source.INPUT, verdict.assessment());
        if (verdict.blocked()) {
            return new Outcome.Rejected(exchange.withRoute(exchange.model(), null),
                    new QuarryError(ErrorKind.CONTENT_FILTERED, verdict.outputs().getFirst(), "input", null));
        }
        if (!verdict.intervened()) return chain.proceed(exchange);
        return chain.proceed(exchange.withOperation(new Operation.Embed(RequestTexts.replace(embed.request(), verdict.outputs()))));
    }

    private void audit(Exchange exchange, Guard guard, Source source, Assessment assessment) {
        audit.record(Interventions.event(clock.instant(), exchange.principal().id(), exchange.principal().name(),
                exchange.principal().onBehalfOfName(), exchange.clientAddress(),
                exchange.userAgent(), guard.ref(), source, assessment, exchange.requestId()));
    }
}
