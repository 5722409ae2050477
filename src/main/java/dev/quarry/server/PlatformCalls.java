package dev.quarry.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.gateway.Exchange;
import dev.quarry.gateway.Gateway;
import dev.quarry.gateway.Outcome;
import dev.quarry.gateway.PlatformCall;
import dev.quarry.gateway.PlatformContext;
import dev.quarry.identity.Credential;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import dev.quarry.surface.openai.OpenAiErrors;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one way every call that invokes no model is served (model lists, token counts, feedback,
 * ApplyGuardrail, assuming a role, every admin action): it runs down the gateway's platform
 * pipeline, which authenticates the caller, authorizes the action on its resource by policy like
 * any other action (403 naming the deciding statement), runs the handler, and audits the call —
 * allowed, denied or failed. Errors are answered in the call's wire's shape.
 */
final class PlatformCalls {
    /** Admin bodies are small documents; a policy is at most 16 KiB. */
    static final long MAX_BODY = 64 * 1024;

    /**
     * How a family of calls meets its clients: how they prove who they are (given the body, which
     * a SigV4 signature covers), their error shape, how large a body may be, and the surface name
     * the exchange carries.
     */
    record Wire(String surface, BiFunction<ServerRequest, Supplier<byte[]>, Credential> credential, Function<QuarryError, WireReply> errors,
                long maxBody) {}

    /** The admin API's: a Quarry key (bearer or {@code x-api-key}), OpenAI's error object, small documents. */
    static final Wire ADMIN = new Wire("admin", (req, body) -> AnthropicRoutes.credential(req), OpenAiErrors::reply, MAX_BODY);

    @FunctionalInterface
    interface Handler {
        WireReply handle(PlatformContext call);
    }

    /** A reply written as a stream once the call is authorized (an agent session's events). */
    @FunctionalInterface
    interface StreamedReply {
        /** @return the HTTP status sent */
        int send(ServerResponse res);
    }

    @FunctionalInterface
    interface StreamHandler {
        StreamedReply handle(PlatformContext call);
    }

    private final Gateway gateway;

    PlatformCalls(Gateway gateway) {
        this.gateway = gateway;
    }

    void serve(ServerRequest req, ServerResponse res, String action, String resource, Handler handler) {
        serve(req, res, ADMIN, action, new PlatformCall.Target.Known(resource), handler::handle);
    }

    /** A call on {@code type/NAME}, where NAME is the body's field as {@code name} reads it; the handler gets it as {@link PlatformContext#name()}. */
    void serveNamedInBody(ServerRequest req, ServerResponse res, String action, String type, Function<ObjectNode, String> name, Handler handler) {
        serveNamedInBody(req, res, ADMIN, action, type, name, handler);
    }

    void serveNamedInBody(ServerRequest req, ServerResponse res, Wire wire, String action, String type, Function<ObjectNode, String> name,
                          Handler handler) {
        serve(req, res, wire, action, new PlatformCall.Target.InBody(type, name), handler::handle);
    }

    void serve(ServerRequest req, ServerResponse res, Wire wire, String action, String resource, Handler handler) {
        serve(req, res, wire, action, new PlatformCall.Target.Known(resource), handler::handle);
    }

    /** A call answered with a stream: authorized and audited as any other, then streamed by {@code handler}'s reply. */
    void serveStream(ServerRequest req, ServerResponse res, Wire wire, String action, String resource, StreamHandler handler) {
        serve(req, res, wire, action, new PlatformCall.Target.Known(resource), handler::handle);
    }

    private void serve(ServerRequest req, ServerResponse res, Wire wire, String action, PlatformCall.Target target, PlatformCall.Handler handler) {
        String requestId = ModelCalls.begin(res);
        long start = System.nanoTime();
        int status = answer(req, res, wire, requestId, action, target, handler);
        ModelCalls.access(req, requestId, status, start);
    }

    /**
     * Answers the call; returns the HTTP status sent. Every refusal, an oversized or unreadable
     * body's included, comes from the pipeline, so it is audited under the request id the client
     * is given: a body declared too large is refused (unread) when something first asks for it,
     * which is after authentication unless a SigV4 signature needs it to authenticate at all.
     */
    private int answer(ServerRequest req, ServerResponse res, Wire wire, String requestId, String action, PlatformCall.Target target,
                       PlatformCall.Handler handler) {
        var declaredTooLarge = HttpIo.declaredTooLarge(req, wire.maxBody());
        Supplier<byte[]> body = ModelCalls.memoized(() -> {
            if (declaredTooLarge.isPresent()) throw new QuarryException(declaredTooLarge.get());
            return HttpIo.readJsonBody(req, wire.maxBody());
        });
        Credential credential;
        try {
            credential = wire.credential().apply(req, body);
        } catch (QuarryException e) {
            // A signature over a body that cannot be read: a failed authentication, audited (and throttled) as one.
            credential = new Credential.Unreadable(e.error());
        }
        PlatformCall call = new PlatformCall(action, target, ModelCalls.memoized(() -> Json.parseObject(body.get())), handler);
        Outcome outcome = gateway.perform(Exchange.platform(requestId, wire.surface(), call, credential, HttpIo.clientAddress(req),
                HttpIo.userAgent(req)));
        return switch (outcome) {
            case Outcome.Performed performed when performed.reply() instanceof StreamedReply streamed -> streamed.send(res);
            case Outcome.Performed performed -> ModelCalls.reply(res, (WireReply) performed.reply());
            case Outcome.Rejected rejected -> ModelCalls.reply(res, wire.errors().apply(rejected.error()));
            default -> throw new IllegalStateException("a platform call ended with " + outcome.getClass().getSimpleName());
        };
    }
}
