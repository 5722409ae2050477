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
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The OpenAI surface's routes: decode with the surface, run the gateway, encode with the surface.
 * The model list shows only the models the caller may invoke; listing is authorized as
 * {@code quarry:ListModels} on {@code model/*}, or on {@code model/ID} for one model.
 *
 * <p>The same endpoints answer twice: under {@code /v1}, as OpenAI serves them, for a Quarry key as
 * a bearer token; and under {@code /openai/v1}, as Amazon Bedrock's OpenAI-compatible endpoint
 * ({@code bedrock-mantle}) serves them, for a bearer key or a SigV4 signature scoped to the service
 * {@code bedrock-mantle}, so that clients built for Bedrock's endpoint (the OpenAI SDKs with a
 * signing layer) can call Quarry. A signature for another service, {@code bedrock} included, is
 * refused there, as a {@code bedrock-mantle} one is on the Bedrock Runtime routes.
 */
final class OpenAiRoutes implements HttpService {
    /** SigV4's signing name for Bedrock's OpenAI-compatible endpoint. */
    static final String MANTLE_SIGNING_NAME = "bedrock-mantle";

    /** Where a tree of these routes lives and how its callers present their credentials. */
    private record Tree(String prefix, BiFunction<ServerRequest, Supplier<byte[]>, Credential> credential) {}

    private static final Tree OPENAI = new Tree("/v1", (req, body) -> bearer(req));
    private static final Tree MANTLE = new Tree("/openai/v1", (req, body) -> BedrockRoutes.credential(req, body, MANTLE_SIGNING_NAME));

    private static final MethodNotAllowed POST_ONLY = MethodNotAllowed.allowing(Method.POST);
    private static final MethodNotAllowed GET_ONLY = MethodNotAllowed.allowing(Method.GET);

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
        for (Tree tree : List.of(OPENAI, MANTLE)) {
            Endpoint<ChatCall> chatCompletions = chatCompletions(tree);
            Endpoint<ResponsesCall> responses = responses(tree);
            Endpoint<EmbeddingsCodec.EmbeddingsCall> embeddings = embeddings(tree);
            // A model list: OpenAI's error object, no body.
            PlatformCalls.Wire models = new PlatformCalls.Wire("openai.models", tree.credential(), OpenAiErrors::reply, PlatformCalls.MAX_BODY);
            rules.post(tree.prefix() + "/chat/completions", (req, res) -> calls.serve(req, res, chatCompletions))
                    .post(tree.prefix() + "/responses", (req, res) -> calls.serve(req, res, responses))
                    .post(tree.prefix() + "/embeddings", (req, res) -> calls.serve(req, res, embeddings))
                    .get(tree.prefix() + "/models", (req, res) -> models(req, res, models))
                    .get(tree.prefix() + "/models/{id}", (req, res) -> model(req, res, models));
            // Last, so that they see only the methods the routes above (and the Anthropic routes before these) leave.
            for (String path : List.of("/chat/completions", "/responses", "/embeddings")) rules.any(tree.prefix() + path, POST_ONLY);
            rules.any(tree.prefix() + "/models", GET_ONLY).any(tree.prefix() + "/models/{id}", GET_ONLY);
        }
    }

    static Credential bearer(ServerRequest req) {
        return Credential.apiKey(CredentialHeaders.bearer(req));
    }

    private Endpoint<ChatCall> chatCompletions(Tree tree) {
        return new Endpoint<>("openai.chat", tree.credential(),
                ChatCompletionsDecoder::decode, call -> new Operation.Chat(call.request(), call.stream()), OpenAiErrors::reply,
                (call, outcome, requestId, res) -> {
                    var encoder = new ChatCompletionsEncoder("chatcmpl-" + requestId.substring(4), call.request().model(), epochSeconds());
                    if (!call.stream()) return reply(res, WireReply.json(200, encoder.encode(Fold.of(stream(outcome)))));
                    return StreamReply.send(res, stream(outcome), OpenAiErrors::reply,
                            sse -> encoder.stream(stream(outcome), sse, call.includeUsage()), requestId);
                });
    }

    private Endpoint<ResponsesCall> responses(Tree tree) {
        return new Endpoint<>("openai.responses", tree.credential(),
                ResponsesDecoder::decode, call -> new Operation.Chat(call.request(), call.stream()), OpenAiErrors::reply,
                (call, outcome, requestId, res) -> {
                    if (!call.setAsideTools().isEmpty()) res.header("X-Quarry-Tools-Set-Aside", String.join(",", call.setAsideTools()));
                    var encoder = new ResponsesEncoder("resp_" + requestId.substring(4), call.request().model(), epochSeconds());
                    if (!call.stream()) return reply(res, WireReply.json(200, encoder.encode(Fold.of(stream(outcome)))));
                    return StreamReply.send(res, stream(outcome), OpenAiErrors::reply, sse -> encoder.stream(stream(outcome), sse), requestId);
                });
    }

    private Endpoint<EmbeddingsCodec.EmbeddingsCall> embeddings(Tree tree) {
        return new Endpoint<>("openai.embeddings", tree.credential(),
                EmbeddingsCodec::decode, call -> new Operation.Embed(call.request()), OpenAiErrors::reply,
                (call, outcome, requestId, res) -> {
                    if (!(outcome instanceof Outcome.Embedded embedded)) throw new IllegalStateException("embeddings answered with " + outcome);
                    return reply(res, WireReply.json(200, EmbeddingsCodec.encode(embedded.response(), call.request().model(), call.base64())));
                });
    }

    private void models(ServerRequest req, ServerResponse res, PlatformCalls.Wire wire) {
        platform.serve(req, res, wire, Actions.LIST_MODELS, "model/*",
                call -> WireReply.json(200, ModelsEncoder.encode(ModelListings.of(catalog, call::mayList), epochSeconds())));
    }

    private void model(ServerRequest req, ServerResponse res, PlatformCalls.Wire wire) {
        String id = req.path().pathParameters().get("id");
        platform.serve(req, res, wire, Actions.LIST_MODELS, ModelListings.resource(catalog, id), call -> {
            var listing = ModelListings.require(catalog, id, call::mayList);
            byte[] list = ModelsEncoder.encode(List.of(listing), epochSeconds());
            return WireReply.json(200, Json.bytes(Json.parseObject(list).get("data").get(0)));
        });
    }

    private long epochSeconds() {
        return clock.instant().getEpochSecond();
    }
}
