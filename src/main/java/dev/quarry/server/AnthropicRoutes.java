package dev.quarry.server;

import static dev.quarry.server.ModelCalls.reply;
import static dev.quarry.server.ModelCalls.stream;

import dev.quarry.canonical.Fold;
import dev.quarry.catalog.Catalog;
import dev.quarry.gateway.Operation;
import dev.quarry.identity.Credential;
import dev.quarry.policy.Actions;
import dev.quarry.surface.WireReply;
import dev.quarry.surface.anthropic.AnthropicErrors;
import dev.quarry.surface.anthropic.MessagesCall;
import dev.quarry.surface.anthropic.MessagesDecoder;
import dev.quarry.surface.anthropic.MessagesEncoder;
import dev.quarry.surface.anthropic.ModelsEncoder;
import dev.quarry.surface.anthropic.TokenCounts;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;

/**
 * The Anthropic surface's routes: Messages and count_tokens, and the model list for Anthropic
 * clients. {@code GET /v1/models} is shared with the OpenAI surface: a request that carries
 * {@code anthropic-version} (every Anthropic SDK sends it) is answered here, any other falls
 * through to the OpenAI routes, which must be registered after these.
 */
final class AnthropicRoutes implements HttpService {
    private static final HeaderName ANTHROPIC_VERSION = HeaderNames.create("anthropic-version");

    private final ModelCalls calls;
    private final PlatformCalls platform;
    private final Catalog catalog;
    private final Clock clock;
    /** count_tokens and the model list: an Anthropic client's key, Anthropic's error shape, a prompt's size of body. */
    private final PlatformCalls.Wire wire;

    AnthropicRoutes(ModelCalls calls, PlatformCalls platform, Catalog catalog, Clock clock, long maxBodyBytes) {
        this.calls = calls;
        this.platform = platform;
        this.catalog = catalog;
        this.clock = clock;
        this.wire = new PlatformCalls.Wire("anthropic", (req, body) -> credential(req), AnthropicErrors::reply, maxBodyBytes);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v1/messages", (req, res) -> calls.serve(req, res, messages))
                .post("/v1/messages/count_tokens", this::countTokens)
                .get("/v1/models", this::models)
                .get("/v1/models/{id}", this::model)
                // The model list's other methods are the OpenAI routes' to refuse: they see every request these pass on.
                .any("/v1/messages", MethodNotAllowed.allowing(Method.POST))
                .any("/v1/messages/count_tokens", MethodNotAllowed.allowing(Method.POST));
    }

    /** Anthropic clients send the key as {@code x-api-key} or as a bearer token (see {@link CredentialHeaders#apiKey}). */
    static Credential credential(ServerRequest req) {
        return Credential.apiKey(CredentialHeaders.apiKey(req));
    }

    private final Endpoint<MessagesCall> messages = new Endpoint<>("anthropic.messages", (req, body) -> credential(req),
            MessagesDecoder::decode, call -> new Operation.Chat(call.request(), call.stream()), AnthropicErrors::reply,
            (call, outcome, requestId, res) -> {
                var encoder = new MessagesEncoder("msg_" + requestId.substring(4), call.request().model());
                if (!call.stream()) return reply(res, WireReply.json(200, encoder.encode(Fold.of(stream(outcome)))));
                return StreamReply.send(res, stream(outcome), AnthropicErrors::reply,
                        sse -> encoder.stream(stream(outcome), sse, outcome.exchange().operation().promptEstimate()), requestId);
            });

    /**
     * A count, not a model call: no ledger row. Authorized as {@code quarry:CountTokens} on the
     * model the body names (by its canonical id); the model must exist, as Anthropic checks. Counted
     * by that model's family's tokenizer, as a call to it is for rate limits and budgets.
     */
    private void countTokens(ServerRequest req, ServerResponse res) {
        platform.serveNamedInBody(req, res, wire, Actions.COUNT_TOKENS, "model",
                body -> ModelListings.require(catalog, TokenCounts.decode(body).model()).id(),
                call -> WireReply.json(200, TokenCounts.encode(PromptCounts.of(catalog, TokenCounts.decode(call.body().get())))));
    }

    private void models(ServerRequest req, ServerResponse res) {
        if (!fromAnthropicClient(req)) {
            res.next();
            return;
        }
        platform.serve(req, res, wire, Actions.LIST_MODELS, "model/*", call -> {
            var page = ModelsEncoder.Page.of(req.query().first("limit").orElse(null),
                    req.query().first("after_id").orElse(null), req.query().first("before_id").orElse(null));
            return WireReply.json(200, ModelsEncoder.list(ModelListings.of(catalog, call::mayList), page, clock.instant()));
        });
    }

    private void model(ServerRequest req, ServerResponse res) {
        if (!fromAnthropicClient(req)) {
            res.next();
            return;
        }
        String id = req.path().pathParameters().get("id");
        platform.serve(req, res, wire, Actions.LIST_MODELS, ModelListings.resource(catalog, id),
                call -> WireReply.json(200, ModelsEncoder.one(ModelListings.require(catalog, id, call::mayList), clock.instant())));
    }

    static boolean fromAnthropicClient(ServerRequest req) {
        return req.headers().contains(ANTHROPIC_VERSION);
    }
}
