package dev.quarry.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.Fold;
import dev.quarry.canonical.QuarryError;
import dev.quarry.canonical.QuarryException;
import dev.quarry.catalog.Catalog;
import dev.quarry.gateway.Exchange;
import dev.quarry.gateway.Gateway;
import dev.quarry.gateway.Operation;
import dev.quarry.gateway.Outcome;
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
import java.util.function.Function;
import java.util.logging.Logger;

/** The OpenAI surface's routes: decode with the surface, run the gateway, encode with the surface. */
final class OpenAiRoutes implements HttpService {
    private static final Logger LOG = Logger.getLogger("quarry.access");

    private final Gateway gateway;
    private final Catalog catalog;
    private final long maxBodyBytes;
    private final Clock clock;

    OpenAiRoutes(Gateway gateway, Catalog catalog, long maxBodyBytes, Clock clock) {
        this.gateway = gateway;
        this.catalog = catalog;
        this.maxBodyBytes = maxBodyBytes;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v1/chat/completions", this::chatCompletions)
                .post("/v1/responses", this::responses)
                .post("/v1/embeddings", this::embeddings)
                .get("/v1/models", this::models)
                .get("/v1/models/{id}", this::model);
    }

    private void chatCompletions(ServerRequest req, ServerResponse res) {
        serve(req, res, "openai.chat", ChatCompletionsDecoder::decode, call -> new Operation.Chat(call.request()),
                (call, outcome, requestId) -> {
                    var encoder = new ChatCompletionsEncoder("chatcmpl-" + requestId.substring(4), call.request().model(), epochSeconds());
                    if (!call.stream()) return reply(res, WireReply.json(200, encoder.encode(Fold.of(stream(outcome)))));
                    return StreamReply.send(res, stream(outcome), OpenAiErrors::reply,
                            sse -> encoder.stream(stream(outcome), sse, call.includeUsage()), requestId);
                });
    }

    private void responses(ServerRequest req, ServerResponse res) {
        serve(req, res, "openai.responses", ResponsesDecoder::decode, call -> new Operation.Chat(call.request()),
                (call, outcome, requestId) -> {
                    if (!call.setAsideTools().isEmpty()) res.header("X-Quarry-Tools-Set-Aside", String.join(",", call.setAsideTools()));
                    var encoder = new ResponsesEncoder("resp_" + requestId.substring(4), call.request().model(), epochSeconds());
                    if (!call.stream()) return reply(res, WireReply.json(200, encoder.encode(Fold.of(stream(outcome)))));
                    return StreamReply.send(res, stream(outcome), OpenAiErrors::reply, sse -> encoder.stream(stream(outcome), sse), requestId);
                });
    }

    private void embeddings(ServerRequest req, ServerResponse res) {
        serve(req, res, "openai.embeddings", EmbeddingsCodec::decode, call -> new Operation.Embed(call.request()),
                (call, outcome, requestId) -> {
                    if (!(outcome instanceof Outcome.Embedded embedded)) throw new IllegalStateException("embeddings answered with " + outcome);
                    return reply(res, WireReply.json(200, EmbeddingsCodec.encode(embedded.response(), call.request().model(), call.base64())));
                });
    }

    private void models(ServerRequest req, ServerResponse res) {
        String requestId = begin(res);
        try {
            gateway.authenticate(HttpIo.bearer(req));
            HttpIo.send(res, WireReply.json(200, ModelsEncoder.encode(ModelListings.of(catalog), epochSeconds())));
        } catch (QuarryException e) {
            HttpIo.send(res, OpenAiErrors.reply(e.error()));
        }
        access(req, requestId, res.status().code());
    }

    private void model(ServerRequest req, ServerResponse res) {
        String requestId = begin(res);
        try {
            gateway.authenticate(HttpIo.bearer(req));
            String id = req.path().pathParameters().get("id");
            var listing = ModelListings.find(catalog, id).orElseThrow(() -> new QuarryException(new QuarryError(
                    ErrorKind.MODEL_NOT_FOUND, "The model '" + id + "' does not exist in this Quarry's catalog.", "model", null)));
            byte[] list = ModelsEncoder.encode(List.of(listing), epochSeconds());
            HttpIo.send(res, WireReply.json(200, Json.bytes(Json.parseObject(list).get("data").get(0))));
        } catch (QuarryException e) {
            HttpIo.send(res, OpenAiErrors.reply(e.error()));
        }
        access(req, requestId, res.status().code());
    }

    /** Answers a decoded call's outcome and returns the status sent. */
    @FunctionalInterface
    private interface Answer<T> {
        int send(T call, Outcome outcome, String requestId);
    }

    /**
     * The common shape of a model call: refuse an oversized body before anything else, let the
     * gateway authenticate and then decode (so strangers' bodies are never parsed), answer a
     * refusal in OpenAI's error shape, or hand the outcome to the endpoint's encoder.
     */
    private <T> void serve(ServerRequest req, ServerResponse res, String surface, Function<ObjectNode, T> decode,
                           Function<T, Operation> operation, Answer<T> answer) {
        String requestId = begin(res);
        int status;
        var declaredTooLarge = HttpIo.declaredTooLarge(req, maxBodyBytes);
        if (declaredTooLarge.isPresent()) {
            status = reply(res, OpenAiErrors.reply(declaredTooLarge.get()));
        } else {
            var decoded = new Object() {
                T call;
            };
            Exchange exchange = Exchange.start(requestId, surface, () -> {
                decoded.call = decode.apply(Json.parseObject(HttpIo.readJsonBody(req, maxBodyBytes)));
                return operation.apply(decoded.call);
            }, HttpIo.bearer(req), HttpIo.clientAddress(req), HttpIo.userAgent(req));
            Outcome outcome = gateway.handle(exchange);
            try {
                status = outcome instanceof Outcome.Rejected rejected
                        ? reply(res, OpenAiErrors.reply(rejected.error()))
                        : answer.send(decoded.call, outcome, requestId);
            } catch (QuarryException e) {
                status = reply(res, OpenAiErrors.reply(e.error()));
            }
        }
        access(req, requestId, status);
    }

    private static EventStream stream(Outcome outcome) {
        if (outcome instanceof Outcome.Streamed streamed) return streamed.stream();
        throw new IllegalStateException("a chat call answered with " + outcome.getClass().getSimpleName());
    }

    private static int reply(ServerResponse res, WireReply reply) {
        HttpIo.send(res, reply);
        return reply.status();
    }

    private static String begin(ServerResponse res) {
        String requestId = HttpIo.newRequestId();
        res.header("X-Request-Id", requestId);
        return requestId;
    }

    private static void access(ServerRequest req, String requestId, int status) {
        LOG.info(() -> "request_id=" + requestId + " method=" + req.prologue().method().text() + " path=" + req.path().path()
                + " status=" + status);
    }

    private long epochSeconds() {
        return clock.instant().getEpochSecond();
    }
}
