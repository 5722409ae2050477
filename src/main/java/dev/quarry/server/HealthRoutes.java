package dev.quarry.server;

import dev.quarry.audit.AuditLog;
import dev.quarry.store.Database;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;
import java.util.Set;

/** Liveness and readiness, for load balancers and orchestrators. */
final class HealthRoutes implements HttpService {
    static final Set<String> PATHS = Set.of("/healthz", "/readyz");

    private final Database db;
    private final Draining draining;
    private final ConnectionGuard connections;
    private final ListenerSupervisor listener;
    private final AuditLog audit;

    HealthRoutes(Database db, Draining draining, ConnectionGuard connections, ListenerSupervisor listener, AuditLog audit) {
        this.db = db;
        this.draining = draining;
        this.connections = connections;
        this.listener = listener;
        this.audit = audit;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/healthz", (req, res) -> HttpIo.send(res, status(200, "ok")))
                .get("/readyz", this::ready);
    }

    /** Ready means: not shutting down, the listener can take connections, the audit writer is recording, and the store answers. */
    private void ready(ServerRequest req, ServerResponse res) {
        if (draining.draining()) {
            HttpIo.send(res, status(503, "draining"));
            return;
        }
        Optional<String> trouble = listener.trouble().or(connections::saturated).or(audit::trouble);
        if (trouble.isPresent()) {
            HttpIo.send(res, status(503, trouble.get()));
            return;
        }
        try {
            db.read(c -> {
                try (var statement = c.createStatement()) {
                    return statement.execute("SELECT 1");
                }
            });
            HttpIo.send(res, status(200, "ready"));
        } catch (RuntimeException e) {
            HttpIo.send(res, status(503, "store unavailable: " + e.getMessage()));
        }
    }

    private static WireReply status(int code, String text) {
        return WireReply.json(code, Json.bytes(Json.object().put("status", text)));
    }
}
