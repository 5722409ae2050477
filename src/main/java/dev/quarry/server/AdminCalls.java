package dev.quarry.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.audit.AuditEvent;
import dev.quarry.audit.AuditLog;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.gateway.Gateway;
import dev.quarry.identity.Credential;
import dev.quarry.identity.Principal;
import dev.quarry.policy.AccessRequest;
import dev.quarry.policy.Authorizer;
import dev.quarry.policy.Decision;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import dev.quarry.surface.openai.OpenAiErrors;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one way every admin call is served: the caller is authenticated, the admin action is
 * authorized by policy like any other action (403 naming the deciding statement), the handler
 * runs, and the call — allowed, denied or failed — goes into the audit trail. Errors use
 * OpenAI's error object, the admin API's shape.
 */
final class AdminCalls {
    /** Admin bodies are small documents; a policy is at most 16 KiB. */
    static final long MAX_BODY = 64 * 1024;

    /** What a handler may use: who is calling, the JSON body (parsed on demand) and the request id. */
    record AdminContext(Principal caller, Supplier<ObjectNode> body, String requestId) {}

    @FunctionalInterface
    interface AdminHandler {
        WireReply handle(AdminContext context);
    }

    private final Gateway gateway;
    private final Authorizer authorizer;
    private final BiFunction<Principal, ServerRequest, Map<String, List<String>>> context;
    private final AuditLog audit;
    private final Clock clock;

    /** @param context the condition keys of a caller and its request (source IP, tags, time) */
    AdminCalls(Gateway gateway, Authorizer authorizer, BiFunction<Principal, ServerRequest, Map<String, List<String>>> context,
               AuditLog audit, Clock clock) {
        this.gateway = gateway;
        this.authorizer = authorizer;
        this.context = context;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * How a family of calls meets its clients: how they prove who they are (given the body, which
     * a SigV4 signature covers), their error shape, and how large a body may be.
     */
    record Wire(BiFunction<ServerRequest, Supplier<byte[]>, Credential> credential, Function<QuarryError, WireReply> errors, long maxBody) {}

    /** The admin API's: a Quarry key, OpenAI's error object, small documents. */
    static final Wire ADMIN = new Wire((req, body) -> AnthropicRoutes.credential(req), OpenAiErrors::reply, MAX_BODY);

    void serve(ServerRequest req, ServerResponse res, String action, String resource, AdminHandler handler) {
        serve(req, res, ADMIN, action, resource, handler);
    }

    void serve(ServerRequest req, ServerResponse res, Wire wire, String action, String resource, AdminHandler handler) {
        String requestId = ModelCalls.begin(res);
        long start = System.nanoTime();
        Principal caller = null;
        String decidedBy = null;
        QuarryError failure = null;
        int status;
        Supplier<byte[]> body = ModelCalls.memoized(() -> HttpIo.readJsonBody(req, wire.maxBody()));
        try {
            var declaredTooLarge = HttpIo.declaredTooLarge(req, wire.maxBody());
            if (declaredTooLarge.isPresent()) throw new QuarryException(declaredTooLarge.get());
            caller = gateway.authenticate(wire.credential().apply(req, body));
            AccessRequest request = new AccessRequest(action, resource, context.apply(caller, req));
            Decision decision = authorizer.decide(caller.id(), request);
            decidedBy = decision.decidedBy();
            if (!decision.allowed()) throw QuarryException.of(ErrorKind.PERMISSION_DENIED, decision.explain(request));
            status = ModelCalls.reply(res, handler.handle(new AdminContext(caller, () -> Json.parseObject(body.get()), requestId)));
        } catch (QuarryException e) {
            failure = e.error();
            status = ModelCalls.reply(res, wire.errors().apply(e.error()));
        }
        audit.record(new AuditEvent(UUID.randomUUID().toString(), clock.instant(),
                caller == null ? null : caller.id(), caller == null ? null : caller.name(),
                HttpIo.clientAddress(req), HttpIo.userAgent(req), action, resource,
                AuditEvent.decision(failure == null ? null : failure.kind()),
                decidedBy, requestId, failure == null ? null : failure.kind().name()));
        ModelCalls.access(req, requestId, status, start);
    }
}
