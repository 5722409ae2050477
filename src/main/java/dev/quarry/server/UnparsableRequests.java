package dev.quarry.server;

import io.helidon.http.DirectHandler;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;

/**
 * Helidon's answers to errors it meets itself, except that one met while reading a request off
 * the connection, before any route, is a 400: there the request is what failed. Helidon 4.5.0
 * answers 500 for a method that is not an HTTP token ({@code G@T}), for instance. It goes on
 * logging such a failure with its stack trace. In 4.5.0 the connection reports these through the
 * message form of {@link #handle}, routing through the throwable form, whose errors stay 500s.
 */
final class UnparsableRequests implements DirectHandler {
    private static final DirectHandler HELIDONS = DirectHandler.defaultHandler();

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status defaultStatus, ServerResponseHeaders headers,
                                    Throwable thrown) {
        return HELIDONS.handle(request, eventType, defaultStatus, headers, thrown);
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status defaultStatus, ServerResponseHeaders headers,
                                    String message) {
        return eventType == EventType.INTERNAL_ERROR
                ? HELIDONS.handle(request, EventType.BAD_REQUEST, Status.BAD_REQUEST_400, headers, message)
                : HELIDONS.handle(request, eventType, defaultStatus, headers, message);
    }
}
