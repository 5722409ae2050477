package dev.quarry.server;

import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.QuarryException;
import dev.quarry.gateway.Exchange;
import dev.quarry.gateway.Gateway;
import dev.quarry.gateway.Outcome;
import dev.quarry.identity.Credential;
import dev.quarry.routing.Experiments;
import dev.quarry.routing.Planner;
import dev.quarry.routing.RoutingHints;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The one way every surface serves a model call: let the gateway authenticate and then decode (a
 * stranger's body is never parsed; an oversized one is refused unread), answer a refusal in the
 * surface's error shape, or hand the outcome to the endpoint.
 */
final class ModelCalls {
    private static final Logger ACCESS = Logger.getLogger("quarry.access");

    private final Gateway gateway;
    private final long maxBodyBytes;

    ModelCalls(Gateway gateway, long maxBodyBytes) {
        this.gateway = gateway;
        this.maxBodyBytes = maxBodyBytes;
    }

    <T> void serve(ServerRequest req, ServerResponse res, Endpoint<T> endpoint) {
        String requestId = begin(res);
        long start = System.nanoTime();
        // Over HTTP/2, a stream the client resets fails the answer's next write, as a client that hung up does.
        ResetStreams.failWritesOnReset(req, res);
        int status;
        // Refused unread when first asked for (by the decode step, or a signature that covers it), inside the
        // pipeline, so that the refusal is audited under the request id the client gets.
        var declaredTooLarge = HttpIo.declaredTooLarge(req, maxBodyBytes);
        Supplier<byte[]> body = memoized(() -> {
            if (declaredTooLarge.isPresent()) throw new QuarryException(declaredTooLarge.get());
            return HttpIo.readJsonBody(req, maxBodyBytes);
        });
        var decoded = new Object() {
            T call;
        };
        try {
            Exchange exchange = Exchange.start(requestId, endpoint.surface(), () -> {
                decoded.call = endpoint.decode().apply(Json.parseObject(body.get()));
                return endpoint.operation().apply(decoded.call);
            }, credential(req, body, endpoint), HttpIo.clientAddress(req), HttpIo.userAgent(req))
                    .withHints(RoutingHints.of(HttpIo.header(req, Planner.FALLBACKS_HEADER), HttpIo.header(req, Experiments.SESSION_HEADER)))
                    .withGuardrailAsked(() -> GuardrailHeaders.read(req));
            Outcome outcome = gateway.handle(exchange);
            RouteHeaders.write(outcome.exchange(), res);
            GuardrailHeaders.write(outcome.exchange(), res);
            status = outcome instanceof Outcome.Rejected rejected
                    ? reply(res, endpoint.errors().apply(rejected.error()))
                    : endpoint.answer().send(decoded.call, outcome, requestId, res);
        } catch (QuarryException e) {
            status = reply(res, endpoint.errors().apply(e.error()));
        } catch (RuntimeException e) {
            // A whole answer (or refusal) written to a stream the client reset fails as a whole (Helidon wraps the
            // write's failure); the call was answered all the same, and has its access line as a cut stream's answer has.
            if (ResetStreams.wasCause(e)) access(req, requestId, res.status().code(), start);
            throw e;
        }
        access(req, requestId, status, start);
    }

    /** The endpoint's credential; a signature over a body that cannot be read fails authentication in the pipeline, audited as such. */
    private static Credential credential(ServerRequest req, Supplier<byte[]> body, Endpoint<?> endpoint) {
        try {
            return endpoint.credential().apply(req, body);
        } catch (QuarryException e) {
            return new Credential.Unreadable(e.error());
        }
    }

    /** The stream of a chat outcome. */
    static EventStream stream(Outcome outcome) {
        if (outcome instanceof Outcome.Streamed streamed) return streamed.stream();
        throw new IllegalStateException("a chat call answered with " + outcome.getClass().getSimpleName());
    }

    static int reply(ServerResponse res, WireReply reply) {
        HttpIo.send(res, reply);
        return reply.status();
    }

    /** Gives the request its id, returned to the client in {@code X-Request-Id}. */
    static String begin(ServerResponse res) {
        String requestId = HttpIo.newRequestId();
        res.header("X-Request-Id", requestId);
        return requestId;
    }

    static void access(ServerRequest req, String requestId, int status, long startNanos) {
        ACCESS.info(() -> "request_id=" + requestId + " method=" + req.prologue().method().text() + " path=" + req.path().path()
                + " status=" + status + " ms=" + (System.nanoTime() - startNanos) / 1_000_000);
    }

    /** Computes the value once, when first asked (a null result is not kept). */
    static <T> Supplier<T> memoized(Supplier<T> read) {
        return new Supplier<>() {
            private T value;

            @Override
            public T get() {
                if (value == null) value = read.get();
                return value;
            }
        };
    }
}
