package dev.quarry.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.audit.AuditLog;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.QuarryException;
import dev.quarry.guardrails.Guard;
import dev.quarry.guardrails.GuardrailJson;
import dev.quarry.guardrails.GuardrailRef;
import dev.quarry.guardrails.GuardrailSpec;
import dev.quarry.guardrails.GuardrailStore;
import dev.quarry.guardrails.Guardrails;
import dev.quarry.guardrails.Interventions;
import dev.quarry.guardrails.StoredGuardrail;
import dev.quarry.guardrails.Verdict;
import dev.quarry.policy.Actions;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import dev.quarry.surface.bedrock.ApplyGuardrailCodec;
import dev.quarry.surface.bedrock.BedrockErrors;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Guardrails over HTTP: Bedrock Runtime's {@code ApplyGuardrail}, which checks any text against a
 * guardrail version without calling a model, and the admin API that defines guardrails (a draft,
 * then immutable published versions). Definitions are Bedrock {@code CreateGuardrail} bodies.
 * Every call is authorized and audited by {@link PlatformCalls}; an intervention of ApplyGuardrail is
 * audited too, as a model call's is.
 */
final class GuardrailRoutes implements HttpService {
    /** An ApplyGuardrail body: {@link ApplyGuardrailCodec#MAX_CHARACTERS} of text, JSON-escaped, with room to spare. */
    private static final long MAX_APPLY_BODY = 1024 * 1024;
    private static final Pattern APPLY_PATH = Pattern.compile("/guardrail/([^/]+)/version/([^/]+)/apply");
    private static final PlatformCalls.Wire BEDROCK =
            new PlatformCalls.Wire("bedrock.guardrail", BedrockRoutes::credential, BedrockErrors::reply, MAX_APPLY_BODY);

    private final PlatformCalls calls;
    private final GuardrailStore store;
    private final Guardrails guardrails;
    private final AuditLog audit;
    private final Clock clock;

    GuardrailRoutes(PlatformCalls calls, GuardrailStore store, Guardrails guardrails, AuditLog audit, Clock clock) {
        this.calls = calls;
        this.store = store;
        this.guardrails = guardrails;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/guardrail/*", this::apply)
                .get("/admin/guardrails", this::list)
                .post("/admin/guardrails", this::create)
                .get("/admin/guardrails/{id}", this::get)
                .put("/admin/guardrails/{id}", this::update)
                .delete("/admin/guardrails/{id}", this::delete)
                .post("/admin/guardrails/{id}/versions", this::publish);
    }

    /**
     * {@code /guardrail/{id}/version/{version}/apply}, read from the raw path: the AWS SDK sends a
     * guardrail ARN with its slash encoded, which a decoded path would split. Authorized on the
     * normalised id, the one the guardrail is found by.
     */
    private void apply(ServerRequest req, ServerResponse res) {
        Matcher path = APPLY_PATH.matcher(req.path().rawPath());
        String identifier = path.matches() ? decoded(path.group(1)) : "";
        String version = path.matches() ? decoded(path.group(2)) : null;
        calls.serve(req, res, BEDROCK, Actions.APPLY_GUARDRAIL, "guardrail/" + GuardrailRef.normalId(identifier), call -> {
            if (!path.matches()) throw QuarryException.of(ErrorKind.NOT_FOUND, "Unknown operation: use POST /guardrail/{id}/version/{version}/apply.");
            GuardrailRef ref = GuardrailRef.parse(identifier, version, false, "guardrailIdentifier");
            if (ref.version() == null) throw QuarryException.invalid("guardrailVersion", "Name the guardrail version: a number or DRAFT.");
            Guard guard = guardrails.guard(guardrails.choose(ref));
            ApplyGuardrailCodec.Request request = ApplyGuardrailCodec.decode(call.body().get());
            Verdict verdict = guard.checkUserTexts(request.source(), request.texts(), guard.placeholders());
            if (verdict.intervened()) {
                audit.record(Interventions.event(clock.instant(), call.caller().id(), call.caller().name(), call.caller().onBehalfOfName(),
                        HttpIo.clientAddress(req), HttpIo.userAgent(req), guard.ref(), request.source(), verdict.assessment(), call.requestId()));
            }
            return WireReply.json(200, Json.bytes(ApplyGuardrailCodec.encode(verdict, guard.spec())));
        });
    }

    private void list(ServerRequest req, ServerResponse res) {
        calls.serve(req, res, "quarry:ListGuardrails", "guardrail/*", call -> {
            ObjectNode reply = Json.object();
            ArrayNode items = reply.putArray("guardrails");
            for (StoredGuardrail g : store.list()) items.add(summary(g));
            return WireReply.json(200, Json.bytes(reply));
        });
    }

    /** POST body: a CreateGuardrail request, with an optional {@code id} (else the name, lower-cased); authorized on {@code guardrail/ID}. */
    private void create(ServerRequest req, ServerResponse res) {
        calls.serveNamedInBody(req, res, "quarry:CreateGuardrail", "guardrail", GuardrailRoutes::newId, call -> {
            GuardrailSpec spec = GuardrailJson.read(call.body().get());
            String id = call.name();
            guardrails.validate(id, spec);
            StoredGuardrail created = store.create(id, spec);
            guardrails.reload();
            return WireReply.json(201, Json.bytes(summary(created)));
        });
    }

    /** The draft, or with {@code ?version=N} a published version. */
    private void get(ServerRequest req, ServerResponse res) {
        String id = GuardrailRef.normalId(param(req, "id"));
        calls.serve(req, res, "quarry:GetGuardrail", "guardrail/" + id, call -> {
            StoredGuardrail g = store.get(id);
            String version = req.query().first("version").orElse(GuardrailRef.DRAFT).toUpperCase(Locale.ROOT);
            GuardrailSpec spec;
            try {
                spec = g.version(version);
            } catch (NumberFormatException e) {
                throw QuarryException.invalid("version", "'version' must be a number or DRAFT.");
            }
            if (spec == null) throw QuarryException.of(ErrorKind.NOT_FOUND, "Guardrail '" + id + "' has no version " + version + ".");
            ObjectNode reply = summary(g).put("version", version);
            reply.set("definition", GuardrailJson.write(spec));
            return WireReply.json(200, Json.bytes(reply));
        });
    }

    /** PUT body: the new draft, a CreateGuardrail request. Published versions are untouched. */
    private void update(ServerRequest req, ServerResponse res) {
        String id = GuardrailRef.normalId(param(req, "id"));
        calls.serve(req, res, "quarry:UpdateGuardrail", "guardrail/" + id, call -> {
            GuardrailSpec spec = GuardrailJson.read(call.body().get());
            guardrails.validate(id, spec);
            StoredGuardrail updated = store.updateDraft(id, spec);
            guardrails.reload();
            return WireReply.json(200, Json.bytes(summary(updated)));
        });
    }

    private void publish(ServerRequest req, ServerResponse res) {
        String id = GuardrailRef.normalId(param(req, "id"));
        calls.serve(req, res, "quarry:CreateGuardrailVersion", "guardrail/" + id, call -> {
            int version = store.publish(id);
            guardrails.reload();
            return WireReply.json(201, Json.bytes(Json.object().put("guardrailId", id).put("version", String.valueOf(version))));
        });
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String id = GuardrailRef.normalId(param(req, "id"));
        calls.serve(req, res, "quarry:DeleteGuardrail", "guardrail/" + id, call -> {
            store.delete(id);
            guardrails.reload();
            return WireReply.json(204, new byte[0]);
        });
    }

    /** The id a new guardrail is stored (and so authorized) under: its {@code id}, else its name, normalised. */
    private static String newId(ObjectNode body) {
        String field = body.hasNonNull("id") ? "id" : "name";
        return GuardrailRef.parse(Json.requireText(body, field, field), null, false, field).id();
    }

    private static ObjectNode summary(StoredGuardrail g) {
        ObjectNode out = Json.object().put("guardrailId", g.id()).put("name", g.draft().name())
                .put("origin", g.fromConfig() ? "config" : "api")
                .put("createdAt", g.createdAt().toString()).put("updatedAt", g.updatedAt().toString());
        ArrayNode versions = out.putArray("versions");
        g.versions().keySet().forEach(v -> versions.add(String.valueOf(v)));
        versions.add(GuardrailRef.DRAFT);
        return out;
    }

    /** A path segment, percent-decoded; a malformed escape reads as nothing, which no guardrail is called. */
    private static String decoded(String segment) {
        try {
            return URLDecoder.decode(segment, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static String param(ServerRequest req, String name) {
        return req.path().pathParameters().get(name);
    }
}
