package dev.quarry.server;

import static dev.quarry.server.CostAdminRoutes.invalidAsBadRequest;
import static dev.quarry.server.CostAdminRoutes.requireOrdered;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.audit.AuditEvent;
import dev.quarry.audit.AuditQueries;
import dev.quarry.canonical.QuarryException;
import dev.quarry.gateway.Origin;
import dev.quarry.store.StoredText;
import dev.quarry.store.StoredTimes;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;

/** The admin API's audit search, served through {@link PlatformCalls}: reading the trail is itself authorized and audited. */
final class AuditAdminRoutes implements HttpService {
    /** Longer than any principal id, name or action; a longer filter is a mistake, not a search. */
    private static final int MAX_FILTER = 256;

    private final PlatformCalls calls;
    private final AuditQueries queries;

    AuditAdminRoutes(PlatformCalls calls, AuditQueries queries) {
        this.calls = calls;
        this.queries = queries;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/admin/audit", this::query);
    }

    /**
     * {@code ?principal=NAME|ID&action=ACTION&session=ID&from=DAY|INSTANT&to=DAY|INSTANT&limit=N}, every
     * filter optional; events newest first, at most {@link AuditQueries#MAX_LIMIT}.
     */
    private void query(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, "quarry:ReadAudit", "audit/*", call -> {
            String principal = filter(req, "principal");
            String action = filter(req, "action");
            String session = session(req);
            Instant from = time(req, "from");
            Instant to = time(req, "to");
            requireOrdered(from, to);
            int limit = invalidAsBadRequest("limit", () -> limit(req));
            ObjectNode reply = Json.object();
            ArrayNode events = reply.putArray("events");
            invalidAsBadRequest("limit", () -> queries.find(principal, action, session, from, to, limit)).forEach(e -> events.add(json(e)));
            return WireReply.json(200, Json.bytes(reply));
        });
    }

    private static String filter(ServerRequest req, String name) {
        String value = req.query().first(name).filter(v -> !v.isBlank()).orElse(null);
        if (value != null && value.length() > MAX_FILTER) {
            throw QuarryException.invalid(name, "'" + name + "' is longer than " + MAX_FILTER + " characters.");
        }
        // Compared in the form values were stored in: a NUL, which PostgreSQL refuses in a query, is stored as U+FFFD.
        return StoredText.fit(value, Integer.MAX_VALUE - 1);
    }

    /** No session id is longer than its column: a longer one is a mistake to say so, not a search that finds nothing. */
    private static String session(ServerRequest req) {
        String value = filter(req, "session");
        if (value != null && value.length() > Origin.MAX_ID) {
            throw QuarryException.invalid("session", "'session' is longer than " + Origin.MAX_ID + " characters; no session id is.");
        }
        return value;
    }

    private static Instant time(ServerRequest req, String name) {
        String value = filter(req, name);
        return value == null ? null : invalidAsBadRequest(name, () -> StoredTimes.dayOrInstant(value));
    }

    private static int limit(ServerRequest req) {
        String value = req.query().first("limit").orElse(null);
        if (value == null) return AuditQueries.DEFAULT_LIMIT;
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the limit must be a whole number from 1 to " + AuditQueries.MAX_LIMIT + " (got '" + value + "')");
        }
    }

    private static ObjectNode json(AuditEvent e) {
        return Json.object()
                .put("event_id", e.eventId())
                .put("time", e.time().toString())
                .put("principal_id", e.principalId())
                .put("principal_name", e.principalName())
                .put("on_behalf_of", e.onBehalfOf())
                .put("source_ip", e.sourceIp())
                .put("user_agent", e.userAgent())
                .put("action", e.action())
                .put("resource", e.resource())
                .put("decision", e.decision())
                .put("deciding_policy", e.decidingPolicy())
                .put("request_id", e.requestId())
                .put("error_code", e.errorCode())
                .put("session_id", e.sessionId())
                .put("turn_id", e.turnId());
    }
}
