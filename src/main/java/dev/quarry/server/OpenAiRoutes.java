package dev.quarry.server;

import static dev.quarry.server.ModelCalls.reply;
import static dev.quarry.server.ModelCalls.stream;

import dev.quarry.canonical.Fold;
import dev.quarry.catalog.Catalog;
import dev.quarry.gateway.Operation;
import dev.quarry.gateway.Outcome;
import dev.quarry.identity.Credential;
import dev.quarry.policy.Actions;
import dev.quarry.surface.Json;
import dev.quarry.surface.WireReply;
import dev.quarry.surface.openai.ChatCall;
import dev.quarry.surface.openai.ChatCompletionsDecoder;
import dev.quarry.surface.openai.ChatCompletionsEncoder;
import dev.quarry.surface.openai.EmbeddingsCodec;
import dev.quarry.surface.openai.ModelsEncoder;
import dev.quarry.surface.openai.OpenAiErrors;
import dev.quarry.surface.openai.ResponsesCall;
import dev.quarry.surface.openai.ResponsesDecoder;
import dev.quarry.surface.openai.ResponsesEncoder;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.util.List;

/**
 * The OpenAI surface's routes: decode with the surface, run the gateway, encode with the surface.
 * The model list shows only the models the caller may invoke; listing is authorized as
 * {@code quarry:ListModels} on {@code model/*}, or on {@code model/ID} for one model.
 */
final class OpenAiRoutes implements HttpService {
    /** A model list: a bearer key, OpenAI's error object, no body. */
    private static final PlatformCalls.Wire MODELS = new PlatformCalls.Wire("openai.models", (req, body) -> bearer(req), OpenAiErrors::reply,
            PlatformCalls.MAX_BODY);

    private final ModelCalls calls;
    private final PlatformCalls platform;
    private final Catalog catalog;
    private final Clock clock;

    OpenAiRoutes(ModelCalls calls, PlatformCalls platform, Catalog catalog, Clock clock) {
        this.calls = calls;
        this.platform = platform;
        this.catalog = catalog;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v1/chat/completions", (req, res) -> calls.serve(req, res, chatCompletions))
                .post("/v1/responses", (req, res) -> calls.serve(req, res, responses))
                .post("/v1/embeddings", (req, res) -> calls.serve(req, res, embeddings))
                .get("/v1/models", this::models)
                .get("/v1/models/{id}", this::model);
    }

    static Credential bearer(ServerRequest req) {
        return Credential.apiKey(HttpIo.bearer(req));
    }

    private final Endpoint<ChatCall> chatCompletions = new Endpoint<>("openai.chat", (req, body) -> bearer(req),
            ChatCompletionsDecoder::decode, call -> new Operation.Chat(call.request(), call.stream()), OpenAiErrors::reply,
            (call, outcome, requestId, res) -> {
                var encoder = new ChatCompletionsEncoder("chatcmpl-" + requestId.substring(4), call.request().model(), epochSeconds());
                if (!call.stream()) return reply(res, WireReply.json(200, encoder.encode(Fold.of(stream(outcome)))));
                return StreamReply.send(res, stream(outcome), OpenAiErrors::reply,
                        sse -> encoder.stream(stream(outcome), sse, call.includeUsage()), requestId);
            });

    private final Endpoint<ResponsesCall> responses = new Endpoint<>("openai.responses", (req, body) -> bearer(req),
            ResponsesDecoder::decode, call -> new Operation.Chat(call.request(), call.stream()), OpenAiErrors::reply,
            (call, outcome, requestId, res) -> {
                if (!call.setAsideTools().isEmpty()) res.header("X-Quarry-Tools-Set-Aside", String.join(",", call.setAsideTools()));
                var encoder = new ResponsesEncoder("resp_" + requestId.substring(4), call.request().model(), epochSeconds());
                if (!call.stream()) return reply(res, WireReply.json(200, encoder.encode(Fold.of(stream(outcome)))));
                return StreamReply.send(res, stream(outcome), OpenAiErrors::reply, sse -> encoder.stream(stream(outcome), sse), requestId);
            });

    private final Endpoint<EmbeddingsCodec.EmbeddingsCall> embeddings = new Endpoint<>("openai.embeddings", (req, body) -> bearer(req),
            EmbeddingsCodec::decode, call -> new Operation.Embed(call.request()), OpenAiErrors::reply,
            (call, outcome, requestId, res) -> {
                if (!(outcome instanceof Outcome.Embedded embedded)) throw new IllegalStateException("embeddings answered with " + outcome);
                return reply(res, WireReply.json(200, EmbeddingsCodec.encode(embedded.response(), call.request().model(), call.base64())));
            });

    private void models(ServerRequest req, ServerResponse res) {
        platform.serve(req, res, MODELS, Actions.LIST_MODELS, "model/*",
                call -> WireReply.json(200, ModelsEncoder.encode(ModelListings.of(catalog, call::mayList), epochSeconds())));
    }

    private void model(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("id");
        platform.serve(req, res, MODELS, Actions.LIST_MODELS, ModelListings.resource(catalog, id), call -> {
            var listing = ModelListings.require(catalog, id, call::mayList);
            byte[] list = ModelsEncoder.encode(List.of(listing), epochSeconds());
            return WireReply.json(200, Json.bytes(Json.parseObject(list).get("data").get(0)));
        });
    }

    private long epochSeconds() {
        return clock.instant().getEpochSecond();
    }
}
