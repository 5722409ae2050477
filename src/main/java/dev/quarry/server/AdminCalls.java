package dev.quarry.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.audit.AuditEvent;
import dev.quarry.audit.AuditLog;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.gateway.Gateway;
import dev.quarry.identity.Credential;
import dev.quarry.identity.KeyRefused;
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
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one way every admin call is served: the caller is authenticated, the admin action is
 * authorized by policy like any other action (403 naming the deciding statement), the handler
 * runs, and the call — allowed, denied or failed — goes into the audit trail. Errors use
 * OpenAI's error object, the admin API's shape.
 */
final class AdminCalls {
    private static final Logger LOG = Logger.getLogger(AdminCalls.class.getName());
    /** Admin bodies are small documents; a policy is at most 16 KiB. */
    static final long MAX_BODY = 64 * 1024;

    /**
     * What a handler may use: who is calling, the JSON body (parsed on demand), the request id, and
     * for a call on something named in its body, that name as authorized ({@code null} otherwise).
     * A handler acts on {@code name}, never on the body's field again, so it cannot act on
     * anything but what policy was asked about. {@code conditions} are the caller's condition keys,
     * as the call was authorized with. {@code alsoOn} authorizes the call's action on a further
     * resource the handler acts on (see {@link #alsoOn}).
     */
    record AdminContext(Principal caller, Supplier<ObjectNode> body, String requestId, String name, Map<String, List<String>> conditions,
                        Consumer<String> authorizer) {
        /**
         * Authorizes the call's action on another resource it acts on as well: the principal or
         * group a policy is attached to, the member added to a group, the owner of a key. A Deny
         * on any of them refuses the call (403 naming it, audited with that resource).
         */
        void alsoOn(String resource) {
            authorizer.accept(resource);
        }
    }

    /**
     * What an admin call acts on, as policies name it ({@code type/name}).
     */
    sealed interface Target {
        /** Known from the path (or a whole collection, {@code type/*}), before anything is read. */
        record Known(String resource) implements Target {}

        /**
         * Named in the body: {@code name} reads it (and normalises it as the store will) from the
         * parsed body. When the body cannot be read, the call is authorized on {@code type/*}, so
         * that a caller refused that learns nothing from the complaint about its body.
         */
        record InBody(String type, Function<ObjectNode, String> name) implements Target {}
    }

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
        serve(req, res, ADMIN, action, new Target.Known(resource), handler);
    }

    /** A call on {@code type/NAME}, where NAME is the body's field as {@code name} reads it; the handler gets it as {@link AdminContext#name()}. */
    void serveNamedInBody(ServerRequest req, ServerResponse res, String action, String type, Function<ObjectNode, String> name,
                          AdminHandler handler) {
        serve(req, res, ADMIN, action, new Target.InBody(type, name), handler);
    }

    void serve(ServerRequest req, ServerResponse res, Wire wire, String action, String resource, AdminHandler handler) {
        serve(req, res, wire, action, new Target.Known(resource), handler);
    }

    /**
     * One call's authorization. What the audit records: the resource authorized first, or the one
     * refused, and the statement that decided.
     */
    private final class Authorization {
        private final Principal caller;
        private final String action;
        private final Map<String, List<String>> conditions;
        private String resource;
        private String decidedBy;

        Authorization(Principal caller, String action, Map<String, List<String>> conditions) {
            this.caller = caller;
            this.action = action;
            this.conditions = conditions;
        }

        /** @throws QuarryException 403 explaining the decision */
        void require(String on) {
            AccessRequest request = new AccessRequest(action, on, conditions);
            Decision decision = authorizer.decide(caller.id(), request);
            if (resource == null || !decision.allowed()) {
                resource = on;
                decidedBy = decision.decidedBy();
            }
            if (!decision.allowed()) throw QuarryException.of(ErrorKind.PERMISSION_DENIED, decision.explain(request));
        }
    }

    private void serve(ServerRequest req, ServerResponse res, Wire wire, String action, Target target, AdminHandler handler) {
        String requestId = ModelCalls.begin(res);
        long start = System.nanoTime();
        Principal caller = null;
        Authorization authorization = null;
        String refusedKey = null;
        QuarryError failure = null;
        int status;
        Supplier<byte[]> body = ModelCalls.memoized(() -> HttpIo.readJsonBody(req, wire.maxBody()));
        Supplier<ObjectNode> json = ModelCalls.memoized(() -> Json.parseObject(body.get()));
        String resource = target instanceof Target.Known known ? known.resource() : ((Target.InBody) target).type() + "/*";
        try {
            var declaredTooLarge = HttpIo.declaredTooLarge(req, wire.maxBody());
            if (declaredTooLarge.isPresent()) throw new QuarryException(declaredTooLarge.get());
            caller = gateway.authenticate(wire.credential().apply(req, body));
            String name = null;
            QuarryException unreadable = null;
            if (target instanceof Target.InBody inBody) {
                try {
                    name = inBody.name().apply(json.get());
                    resource = inBody.type() + "/" + name;
                } catch (QuarryException e) {
                    unreadable = e;
                }
            }
            Map<String, List<String>> conditions = context.apply(caller, req);
            authorization = new Authorization(caller, action, conditions);
            authorization.require(resource);
            if (unreadable != null) throw unreadable;
            status = ModelCalls.reply(res, handler.handle(new AdminContext(caller, json, requestId, name, conditions, authorization::require)));
        } catch (QuarryException e) {
            failure = e.error();
            if (e instanceof KeyRefused refused) {
                // An attempt on a known key: recorded with the key and its owner, never counted with strangers' failures.
                caller = refused.owner();
                refusedKey = refused.decidedBy();
            }
            status = ModelCalls.reply(res, wire.errors().apply(e.error()));
        } catch (RuntimeException e) {
            // A fault of ours still answers in the client's shape and still goes into the audit trail.
            LOG.log(Level.SEVERE, "admin call " + action + " on " + resource + " failed (request " + requestId + ")", e);
            failure = QuarryError.of(ErrorKind.INTERNAL, "The call failed inside Quarry (request " + requestId + "); the server log has the cause.");
            status = ModelCalls.reply(res, wire.errors().apply(failure));
        }
        if (authorization != null) resource = authorization.resource;
        String decidedBy = authorization == null ? refusedKey : authorization.decidedBy;
        audit.record(new AuditEvent(UUID.randomUUID().toString(), clock.instant(),
                caller == null ? null : caller.id(), caller == null ? null : caller.name(), caller == null ? null : caller.onBehalfOfName(),
                HttpIo.clientAddress(req), HttpIo.userAgent(req), action, resource,
                AuditEvent.decision(failure == null ? null : failure.kind()),
                decidedBy, requestId, failure == null ? null : failure.kind().name()));
        ModelCalls.access(req, requestId, status, start);
    }
}
