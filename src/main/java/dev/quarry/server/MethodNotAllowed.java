package dev.quarry.server;

import dev.quarry.surface.WireReply;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The answer to a path Quarry serves asked with a method it does not take: 405, the methods it
 * does take in {@code Allow}, in the surface's error shape, where routing would otherwise fall
 * through to a 404 that says the path does not exist. Registered with {@code any} after every
 * route of the path, so that it sees only the methods they leave.
 */
final class MethodNotAllowed implements Handler {
    private final String allow;

    private MethodNotAllowed(String allow) {
        this.allow = allow;
    }

    static MethodNotAllowed allowing(Method... methods) {
        return new MethodNotAllowed(Arrays.stream(methods).map(Method::text).collect(Collectors.joining(", ")));
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        WireReply reply = SurfaceErrors.withStatus(req, 405, req.prologue().method().text() + " " + req.path().path()
                + " is not served: this path takes " + allow + ".");
        Map<String, String> headers = new HashMap<>(reply.headers());
        headers.put(HeaderNames.ALLOW.defaultCase(), allow);
        HttpIo.send(res, new WireReply(reply.status(), reply.contentType(), reply.body(), headers));
    }
}
