package dev.quarry.gateway;

import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.guardrails.GuardRecord;
import dev.quarry.guardrails.GuardrailRef;
import dev.quarry.identity.Credential;
import dev.quarry.identity.Principal;
import dev.quarry.routing.RoutingHints;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything the pipeline knows about one request. Immutable: a step that learns something
 * (who is calling, what they ask, which deployment serves) passes a copy with it to the next step.
 *
 * @param surface     the wire protocol the client spoke, e.g. {@code openai.chat}
 * @param decoder     reads the request body; run by the decode step, after authentication, so a
 *                    stranger's body is never parsed
 * @param operation   what the decoded request asks for; {@code null} until decoded
 * @param credential  what the client presented to prove who it is
 * @param startNanos  {@link System#nanoTime()} when the request arrived
 * @param decidedBy   the policy and statement that allowed or denied it ({@code policy/Sid}), once authorized
 * @param hints       what the client asked of routing in its headers
 * @param route       the plan and, once invoked, the attempts; {@code model} and {@code deployment}
 *                    are the requested model's first choice until invoked, then the ones that served
 * @param guardrailAsked reads the guardrail the client named in a header ({@code null} result: none);
 *                    read after authentication, so a stranger's malformed header is never judged
 * @param guardrail   the guardrail version the request runs under, once chosen; {@code null}: none
 * @param guardRecord what the guardrail did, once the guard step ran; {@code null} without a guardrail
 * @param settlement  what settles the request when its answer ends, once the settle step opened it
 */
public record Exchange(
        String requestId,
        String surface,
        RequestDecoder decoder,
        Operation operation,
        Credential credential,
        String clientAddress,
        String userAgent,
        long startNanos,
        Principal principal,
        ModelEntry model,
        Deployment deployment,
        String decidedBy,
        RoutingHints hints,
        Route route,
        Supplier<GuardrailRef> guardrailAsked,
        GuardrailRef guardrail,
        GuardRecord guardRecord,
        Settlement settlement) {

    public Exchange {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(surface, "surface");
        Objects.requireNonNull(decoder, "decoder");
        hints = hints == null ? RoutingHints.NONE : hints;
    }

    public static Exchange start(String requestId, String surface, RequestDecoder decoder, Credential credential,
                                 String clientAddress, String userAgent) {
        return new Exchange(requestId, surface, decoder, null, credential, clientAddress, userAgent, System.nanoTime(),
                null, null, null, null, RoutingHints.NONE, null, null, null, null, null);
    }

    public Exchange withPrincipal(Principal p) {
        return new Exchange(requestId, surface, decoder, operation, credential, clientAddress, userAgent, startNanos, p, model, deployment, decidedBy, hints, route, guardrailAsked, guardrail, guardRecord, settlement);
    }

    public Exchange withOperation(Operation o) {
        return new Exchange(requestId, surface, decoder, o, credential, clientAddress, userAgent, startNanos, principal, model, deployment, decidedBy, hints, route, guardrailAsked, guardrail, guardRecord, settlement);
    }

    public Exchange withRoute(ModelEntry m, Deployment d) {
        return new Exchange(requestId, surface, decoder, operation, credential, clientAddress, userAgent, startNanos, principal, m, d, decidedBy, hints, route, guardrailAsked, guardrail, guardRecord, settlement);
    }

    public Exchange withDecision(String policyAndStatement) {
        return new Exchange(requestId, surface, decoder, operation, credential, clientAddress, userAgent, startNanos, principal, model,
                deployment, policyAndStatement, hints, route, guardrailAsked, guardrail, guardRecord, settlement);
    }

    public Exchange withHints(RoutingHints h) {
        return new Exchange(requestId, surface, decoder, operation, credential, clientAddress, userAgent, startNanos, principal, model,
                deployment, decidedBy, h, route, guardrailAsked, guardrail, guardRecord, settlement);
    }

    public Exchange withRouting(Route r) {
        return new Exchange(requestId, surface, decoder, operation, credential, clientAddress, userAgent, startNanos, principal, model,
                deployment, decidedBy, hints, r, guardrailAsked, guardrail, guardRecord, settlement);
    }

    public Exchange withGuardrailAsked(Supplier<GuardrailRef> asked) {
        return new Exchange(requestId, surface, decoder, operation, credential, clientAddress, userAgent, startNanos, principal, model,
                deployment, decidedBy, hints, route, asked, guardrail, guardRecord, settlement);
    }

    public Exchange withGuardrail(GuardrailRef g) {
        return new Exchange(requestId, surface, decoder, operation, credential, clientAddress, userAgent, startNanos, principal, model,
                deployment, decidedBy, hints, route, guardrailAsked, g, guardRecord, settlement);
    }

    public Exchange withGuardRecord(GuardRecord r) {
        return new Exchange(requestId, surface, decoder, operation, credential, clientAddress, userAgent, startNanos, principal, model,
                deployment, decidedBy, hints, route, guardrailAsked, guardrail, r, settlement);
    }

    public Exchange withSettlement(Settlement s) {
        return new Exchange(requestId, surface, decoder, operation, credential, clientAddress, userAgent, startNanos, principal, model,
                deployment, decidedBy, hints, route, guardrailAsked, guardrail, guardRecord, s);
    }

    public long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
