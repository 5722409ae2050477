package dev.quarry.server;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Ends an HTTP/1.1 connection once its answer is out when either side said {@code Connection:
 * close}, or when the request's framing broke. Helidon 4.5.0 writes the header but goes on
 * reading the socket, so a client (or an attacker) could keep the connection, and after a broken
 * chunk the bytes that follow would be read as a new request.
 */
final class ConnectionClose implements Filter {
    /** Where a request finds its response, for code that reads the request and must end the connection. */
    private static final String RESPONSE = ConnectionClose.class.getName() + ".response";

    /**
     * Answers {@code req} with {@code Connection: close} and closes the connection after it; an
     * HTTP/2 stream is one of many on its connection, and its frames cannot run into the next one.
     */
    static void after(ServerRequest req) {
        if (!isHttp11(req)) return;
        req.context().get(RESPONSE, ServerResponse.class).ifPresent(res -> res.header(HeaderValues.CONNECTION_CLOSE));
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        req.context().register(RESPONSE, res);
        chain.proceed();
        if (!isHttp11(req)) return;
        boolean close = req.headers().containsToken(HeaderValues.CONNECTION_CLOSE)
                || res.headers().containsToken(HeaderValues.CONNECTION_CLOSE);
        // Helidon rethrows this past its error handlers and closes the socket: the answer is already written.
        if (close && res.isSent()) throw new CloseConnectionException("closing the connection after its last answer");
    }

    private static boolean isHttp11(ServerRequest req) {
        return "1.1".equals(req.prologue().protocolVersion());
    }
}
