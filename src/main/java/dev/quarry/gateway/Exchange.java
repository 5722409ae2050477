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
 * @param call        what the request asks for: for a model call {@code null} until decoded; a
 *                    platform call starts with its action and target known, and its name in the
 *                    body (if any) read once decoded
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
 * @param grant       a platform call's authorization, once authorized; {@code null} for a model call
 * @param origin      the agent session and turn a call Quarry makes for itself belongs to; {@code null}
 *                    for a call from outside
 */
public record Exchange(
        String requestId,
        String surface,
        RequestDecoder decoder,
        Call call,
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
        Settlement settlement,
        Grant grant,
        Origin origin) {

    public Exchange {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(surface, "surface");
        Objects.requireNonNull(decoder, "decoder");
        hints = hints == null ? RoutingHints.NONE : hints;
    }

    public static Exchange start(String requestId, String surface, RequestDecoder decoder, Credential credential,
                                 String clientAddress, String userAgent) {
        return new Exchange(requestId, surface, decoder, null, credential, clientAddress, userAgent, System.nanoTime(),
                null, null, null, null, RoutingHints.NONE, null, null, null, null, null, null, null);
    }

    /** A platform call: known from the start, so even a failed authentication is audited with its action and resource. */
    public static Exchange platform(String requestId, String surface, PlatformCall call, Credential credential, String clientAddress,
                                    String userAgent) {
        return start(requestId, surface, call::decoded, credential, clientAddress, userAgent).withCall(call);
    }

    public Exchange withPrincipal(Principal p) {
        return new Exchange(requestId, surface, decoder, call, credential, clientAddress, userAgent, startNanos, p, model, deployment, decidedBy, hints, route, guardrailAsked, guardrail, guardRecord, settlement, grant, origin);
    }

    /** The same call made for an agent session's turn (see {@link Origin}). */
    public Exchange withOrigin(Origin o) {
        return new Exchange(requestId, surface, decoder, call, credential, clientAddress, userAgent, startNanos, principal, model,
                deployment, decidedBy, hints, route, guardrailAsked, guardrail, guardRecord, settlement, grant, o);
    }

    /** The model operation asked for; {@code null} until decoded, and for a platform call. */
    public Operation operation() {
        return call instanceof Operation operation ? operation : null;
    }

    public Exchange withOperation(Operation o) {
        return withCall(o);
    }

    public Exchange withCall(Call c) {
        return new Exchange(requestId, surface, decoder, c, credential, clientAddress, userAgent, startNanos, principal, model, deployment, decidedBy, hints, route, guardrailAsked, guardrail, guardRecord, settlement, grant, origin);
    }

    public Exchange withRoute(ModelEntry m, Deployment d) {
        return new Exchange(requestId, surface, decoder, call, credential, clientAddress, userAgent, startNanos, principal, m, d, decidedBy, hints, route, guardrailAsked, guardrail, guardRecord, settlement, grant, origin);
    }

    public Exchange withDecision(String policyAndStatement) {
        return new Exchange(requestId, surface, decoder, call, credential, clientAddress, userAgent, startNanos, principal, model,
                deployment, policyAndStatement, hints, route, guardrailAsked, guardrail, guardRecord, settlement, grant, origin);
    }

    public Exchange withHints(RoutingHints h) {
        return new Exchange(requestId, surface, decoder, call, credential, clientAddress, userAgent, startNanos, principal, model,
                deployment, decidedBy, h, route, guardrailAsked, guardrail, guardRecord, settlement, grant, origin);
    }

    public Exchange withRouting(Route r) {
        return new Exchange(requestId, surface, decoder, call, credential, clientAddress, userAgent, startNanos, principal, model,
                deployment, decidedBy, hints, r, guardrailAsked, guardrail, guardRecord, settlement, grant, origin);
    }

    public Exchange withGuardrailAsked(Supplier<GuardrailRef> asked) {
        return new Exchange(requestId, surface, decoder, call, credential, clientAddress, userAgent, startNanos, principal, model,
                deployment, decidedBy, hints, route, asked, guardrail, guardRecord, settlement, grant, origin);
    }

    public Exchange withGuardrail(GuardrailRef g) {
        return new Exchange(requestId, surface, decoder, call, credential, clientAddress, userAgent, startNanos, principal, model,
                deployment, decidedBy, hints, route, guardrailAsked, g, guardRecord, settlement, grant, origin);
    }

    public Exchange withGuardRecord(GuardRecord r) {
        return new Exchange(requestId, surface, decoder, call, credential, clientAddress, userAgent, startNanos, principal, model,
                deployment, decidedBy, hints, route, guardrailAsked, guardrail, r, settlement, grant, origin);
    }

    public Exchange withSettlement(Settlement s) {
        return new Exchange(requestId, surface, decoder, call, credential, clientAddress, userAgent, startNanos, principal, model,
                deployment, decidedBy, hints, route, guardrailAsked, guardrail, guardRecord, s, grant, origin);
    }

    public Exchange withGrant(Grant g) {
        return new Exchange(requestId, surface, decoder, call, credential, clientAddress, userAgent, startNanos, principal, model,
                deployment, decidedBy, hints, route, guardrailAsked, guardrail, guardRecord, settlement, g, origin);
    }

    /**
     * The resource the audit trail records: the model that served (else the one asked for) for a
     * model call; for a platform call, the resource authorized first or the one refused.
     */
    public String auditedResource() {
        return switch (call) {
            case null -> "model/*";
            case Operation operation -> "model/" + (model != null ? model.id() : operation.model());
            case PlatformCall platform -> grant != null ? grant.resource() : platform.resource();
        };
    }

    /** The policy and statement the audit trail records as deciding: a platform call's handler may have asked again. */
    public String auditedDecision() {
        return grant != null ? grant.decidedBy() : decidedBy;
    }

    public long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
