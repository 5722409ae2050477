package dev.quarry.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.gateway.Gateway;
import dev.quarry.identity.IdentityStore;
import dev.quarry.identity.IssuedKey;
import dev.quarry.identity.Principal;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.store.Database;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import dev.quarry.surface.openai.OpenAiErrors;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.function.Consumer;

/** Liveness, readiness and the admin API (only key creation so far; the identity work adds the rest). */
final class SystemRoutes implements HttpService {
    private final Gateway gateway;
    private final IdentityStore identities;
    private final Consumer<IssuedKey> onKeyIssued;
    private final Database db;
    private final Draining draining;

    SystemRoutes(Gateway gateway, IdentityStore identities, Consumer<IssuedKey> onKeyIssued, Database db, Draining draining) {
        this.gateway = gateway;
        this.identities = identities;
        this.onKeyIssued = onKeyIssued;
        this.db = db;
        this.draining = draining;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/healthz", (req, res) -> HttpIo.send(res, status(200, "ok")))
                .get("/readyz", this::ready)
                .post("/admin/keys", this::createKey);
    }

    /** Ready means: not shutting down, and the store answers. */
    private void ready(ServerRequest req, ServerResponse res) {
        if (draining.draining()) {
            HttpIo.send(res, status(503, "draining"));
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

    /** {@code POST /admin/keys {"name": "..."}}: a new API key for a (new or existing) principal. */
    private void createKey(ServerRequest req, ServerResponse res) {
        try {
            Principal caller = gateway.authenticate(OpenAiRoutes.bearer(req));
            if (caller.kind() != PrincipalKind.ADMIN) {
                throw QuarryException.of(ErrorKind.PERMISSION_DENIED, "Only an admin key may create keys.");
            }
            ObjectNode body = Json.parseObject(HttpIo.readJsonBody(req, 64 * 1024));
            IssuedKey key = identities.createKey(Json.requireText(body, "name", "name"), PrincipalKind.USER);
            onKeyIssued.accept(key);
            HttpIo.send(res, WireReply.json(201, Json.bytes(KeyJson.of(key))));
        } catch (QuarryException e) {
            HttpIo.send(res, OpenAiErrors.reply(e.error()));
        }
    }

    private static WireReply status(int code, String text) {
        return WireReply.json(code, Json.bytes(Json.object().put("status", text)));
    }
}
