package dev.quarry.server;

import static dev.quarry.server.ModelCalls.reply;
import static dev.quarry.server.ModelCalls.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.aws.SigV4Authorization;
import dev.quarry.aws.SignableRequest;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.Fold;
import dev.quarry.canonical.TokenEstimate;
import dev.quarry.gateway.Operation;
import dev.quarry.identity.Credential;
import dev.quarry.surface.WireReply;
import dev.quarry.surface.bedrock.AnthropicChunkStream;
import dev.quarry.surface.bedrock.AnthropicInvoke;
import dev.quarry.surface.bedrock.BedrockErrors;
import dev.quarry.surface.bedrock.ConverseDecoder;
import dev.quarry.surface.bedrock.ConverseEncoder;
import dev.quarry.surface.bedrock.ConverseStreamEncoder;
import dev.quarry.surface.bedrock.ModelPath;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;



import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Bedrock Runtime surface's routes: {@code POST /model/{modelId}/converse},
 * {@code /converse-stream}, {@code /invoke} and {@code /invoke-with-response-stream}.
 *
 * <p>The model id is read from the raw path (see {@link ModelPath}), since ARNs arrive with
 * encoded slashes. Clients authenticate as AWS clients do, with SigV4 (any region, signing name
 * {@code bedrock}), or with a Quarry key as a bearer token, as Bedrock API keys are sent.
 */
final class BedrockRoutes implements HttpService {
    private static final String SIGNING_NAME = "bedrock";
    private static final String EVENT_STREAM = "application/vnd.amazon.eventstream";

    private final ModelCalls calls;

    BedrockRoutes(ModelCalls calls) {
        this.calls = calls;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/model/*", this::model);
    }

    private void model(ServerRequest req, ServerResponse res) {
        String rawPath = req.path().rawPath();
        ModelPath.parse(rawPath).ifPresentOrElse(path -> calls.serve(req, res, switch (path.operation()) {
            case CONVERSE -> converse(path.modelId());
            case CONVERSE_STREAM -> converseStream(path.modelId());
            case INVOKE -> invoke(path.modelId());
            case INVOKE_STREAM -> invokeStream(path.modelId());
        }), () -> {
            String requestId = ModelCalls.begin(res);
            long start = System.nanoTime();
            ModelCalls.access(req, requestId, reply(res, BedrockErrors.unknownOperation(rawPath)), start);
        });
    }

    /** A SigV4 signature when the Authorization header carries one (it covers the body, so the body is read); else a bearer key. */
    private static Credential credential(ServerRequest req, Supplier<byte[]> body) {
        String authorization = req.headers().first(HeaderNames.AUTHORIZATION).orElse(null);
        if (!SigV4Authorization.claimedBy(authorization)) return Credential.apiKey(HttpIo.bearer(req));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header header : req.headers()) headers.put(header.name(), header.allValues());
        String query = req.query().rawValue();
        return new Credential.SigV4(SignableRequest.of(req.prologue().method().text(), req.path().rawPath(), query, headers, body.get()),
                SIGNING_NAME);
    }

    private Endpoint<ChatRequest> converse(String modelId) {
        return chat("bedrock.converse", false, body -> ConverseDecoder.decode(modelId, body), (request, outcome, requestId, res) ->
                reply(res, WireReply.json(200, ConverseEncoder.encode(Fold.of(stream(outcome)), outcome.exchange().elapsedMillis()))));
    }

    private Endpoint<ChatRequest> converseStream(String modelId) {
        return chat("bedrock.converse", true, body -> ConverseDecoder.decode(modelId, body), (request, outcome, requestId, res) ->
                StreamReply.sendFramed(res, stream(outcome), BedrockErrors::reply, Map.of("Content-Type", EVENT_STREAM), requestId,
                        out -> new ConverseStreamEncoder(out, outcome.exchange()::elapsedMillis).write(stream(outcome))));
    }

    private Endpoint<ChatRequest> invoke(String modelId) {
        return chat("bedrock.invoke", false, body -> AnthropicInvoke.decode(modelId, body), (request, outcome, requestId, res) ->
                reply(res, AnthropicInvoke.encode(Fold.of(stream(outcome)), messageId(requestId), modelId, outcome.exchange().elapsedMillis())));
    }

    private Endpoint<ChatRequest> invokeStream(String modelId) {
        return chat("bedrock.invoke", true, body -> AnthropicInvoke.decode(modelId, body), (request, outcome, requestId, res) ->
                StreamReply.sendFramed(res, stream(outcome), BedrockErrors::reply,
                        Map.of("Content-Type", EVENT_STREAM, "X-Amzn-Bedrock-Content-Type", "application/json"), requestId,
                        out -> AnthropicChunkStream.write(stream(outcome), out, messageId(requestId), modelId, TokenEstimate.of(request),
                                outcome.exchange()::elapsedMillis)));
    }

    private static Endpoint<ChatRequest> chat(String surface, boolean streaming, Function<ObjectNode, ChatRequest> decode,
                                              Endpoint.Answer<ChatRequest> answer) {
        return new Endpoint<>(surface, BedrockRoutes::credential, decode, request -> new Operation.Chat(request, streaming),
                BedrockErrors::reply, answer);
    }

    /** Anthropic on Bedrock names its messages {@code msg_bdrk_…}. */
    private static String messageId(String requestId) {
        return "msg_bdrk_" + requestId.substring(4);
    }
}
