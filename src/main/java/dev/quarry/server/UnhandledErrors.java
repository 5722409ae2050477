package dev.quarry.server;

import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryError;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.webserver.http.ErrorHandler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The last resort for anything a route lets escape (the pipeline turns a step's failure into an
 * answer, so this is a fault outside it: a surface's encoder, a route's own code). The client
 * still gets a 500 in its protocol's error shape, chosen by path, naming the request id, rather
 * than the HTTP server's bare default; the server log gets the stack trace.
 */
final class UnhandledErrors implements ErrorHandler<Throwable> {
    private static final Logger LOG = Logger.getLogger(UnhandledErrors.class.getName());
    private static final HeaderName REQUEST_ID = HeaderNames.create("X-Request-Id");

    @Override
    public void handle(ServerRequest req, ServerResponse res, Throwable thrown) {
        String path = req.path().path();
        if (thrown instanceof HttpException http && !res.isSent()) {
            // The HTTP layer's own verdict (no route for this path, say): its status, in the surface's shape. No route
            // took the request, so it has no request id, which would name an audited call.
            HttpIo.send(res, SurfaceErrors.withStatus(req, http.status().code(), http.getMessage()));
            return;
        }
        String requestId = res.headers().first(REQUEST_ID).orElse(null);
        if (requestId == null) {
            // Failed before a route gave it an id: one for the log, so the client's report can be matched to the cause.
            requestId = HttpIo.newRequestId();
            if (!res.isSent()) res.header(REQUEST_ID.defaultCase(), requestId);
        }
        if (res.isSent()) {
            LOG.log(Level.SEVERE, "request " + requestId + " (" + req.prologue().method().text() + " " + path + ") failed after its answer began", thrown);
            return;
        }
        LOG.log(Level.SEVERE, "request " + requestId + " (" + req.prologue().method().text() + " " + path + ") failed", thrown);
        QuarryError error = QuarryError.of(ErrorKind.INTERNAL,
                "The call failed inside Quarry (request " + requestId + "); the server log has the cause.");
        HttpIo.send(res, SurfaceErrors.reply(req, error));
    }
}
