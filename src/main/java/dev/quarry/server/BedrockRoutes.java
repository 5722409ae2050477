package dev.quarry.server;

import static dev.quarry.server.ModelCalls.reply;
import static dev.quarry.server.ModelCalls.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.aws.SigV4;
import dev.quarry.aws.SigV4Authorization;
import dev.quarry.aws.SignableRequest;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.Fold;
import dev.quarry.catalog.Catalog;
import dev.quarry.gateway.Exchange;
import dev.quarry.gateway.Operation;
import dev.quarry.guardrails.GuardRecord;
import dev.quarry.identity.Credential;
import dev.quarry.policy.Actions;
import dev.quarry.surface.WireReply;
import dev.quarry.surface.bedrock.ApplyGuardrailCodec;
import dev.quarry.surface.bedrock.BedrockErrors;
import dev.quarry.surface.bedrock.ConverseDecoder;
import dev.quarry.surface.bedrock.ConverseEncoder;
import dev.quarry.surface.bedrock.ConverseStreamEncoder;
import dev.quarry.surface.bedrock.CountTokensCodec;
import dev.quarry.surface.bedrock.Invocation;
import dev.quarry.surface.bedrock.InvokeFamily;
import dev.quarry.surface.bedrock.ModelPath;
import io.helidon.http.Header;
import io.helidon.http.Method;
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
 * {@code /converse-stream}, {@code /invoke} and {@code /invoke-with-response-stream}, and
 * {@code /count-tokens}, which counts without calling the model.
 *
 * <p>The model id is read from the raw path (see {@link ModelPath}), since ARNs arrive with
 * encoded slashes. Clients authenticate as AWS clients do, with SigV4 (any region, signing name
 * {@code bedrock}), or with a Quarry key as a bearer token, as Bedrock API keys are sent.
 */
final class BedrockRoutes implements HttpService {
    private static final String SIGNING_NAME = "bedrock";
    private static final String EVENT_STREAM = "application/vnd.amazon.eventstream";
    /** Helidon's protocol version for a request that came over HTTP/2 (h2c or h2). */
    private static final String HTTP_2 = "2.0";

    private static final MethodNotAllowed POST_ONLY = MethodNotAllowed.allowing(Method.POST);

    private final ModelCalls calls;
    private final PlatformCalls platform;
    private final Catalog catalog;
    /** CountTokens: a Bedrock client's credential, Bedrock's error shape, a prompt's size of body. */
    private final PlatformCalls.Wire countTokens;

    BedrockRoutes(ModelCalls calls, PlatformCalls platform, Catalog catalog, long maxBodyBytes) {
        this.calls = calls;
        this.platform = platform;
        this.catalog = catalog;
        this.countTokens = new PlatformCalls.Wire("bedrock.count-tokens", BedrockRoutes::credential, BedrockErrors::reply, maxBodyBytes);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/model/*", this::model).any("/model/*", this::otherMethod);
    }

    private void model(ServerRequest req, ServerResponse res) {
        String rawPath = req.path().rawPath();
        ModelPath.parse(rawPath).ifPresentOrElse(path -> serve(req, res, path), () -> unknownOperation(req, res));
    }

    /** A 405 only for a path that names an operation: one that names none is not served by any method, and says so as a POST of it does. */
    private void otherMethod(ServerRequest req, ServerResponse res) throws Exception {
        if (ModelPath.parse(req.path().rawPath()).isPresent()) {
            POST_ONLY.handle(req, res);
        } else {
            unknownOperation(req, res);
        }
    }

    private static void unknownOperation(ServerRequest req, ServerResponse res) {
        String requestId = ModelCalls.begin(res);
        long start = System.nanoTime();
        ModelCalls.access(req, requestId, reply(res, BedrockErrors.unknownOperation(req.path().rawPath())), start);
    }

    /**
     * Converse endpoints decode to a request; InvokeModel ones to an {@link Invocation}, which also
     * names the body's family; CountTokens calls no model, so it is a platform call.
     */
    private void serve(ServerRequest req, ServerResponse res, ModelPath path) {
        String modelId = path.modelId();
        switch (path.operation()) {
            case CONVERSE -> calls.serve(req, res, converse(modelId));
            case CONVERSE_STREAM -> calls.serve(req, res, converseStream(modelId));
            case INVOKE -> calls.serve(req, res, invoke(modelId));
            case INVOKE_STREAM -> calls.serve(req, res, invokeStream(modelId));
            case COUNT_TOKENS -> countTokens(req, res, modelId);
        }
    }

    /**
     * A count, not a model call: no ledger row. Authorized as {@code quarry:CountTokens} on the
     * path's model (by its canonical id when it exists, so that a policy on the id holds for its
     * aliases too), which must exist; counted as Anthropic's count_tokens counts (see {@link PromptCounts}).
     */
    private void countTokens(ServerRequest req, ServerResponse res, String modelId) {
        platform.serve(req, res, countTokens, Actions.COUNT_TOKENS, ModelListings.resource(catalog, modelId),
                call -> WireReply.json(200, CountTokensCodec.encode(PromptCounts.of(catalog, CountTokensCodec.decode(modelId, call.body().get())))));
    }

    /** A SigV4 signature for {@code bedrock} when the Authorization header carries one; else a bearer key. */
    static Credential credential(ServerRequest req, Supplier<byte[]> body) {
        return credential(req, body, SIGNING_NAME);
    }

    /**
     * A SigV4 signature when the Authorization header carries one (it covers the body, so the body is
     * read), which must be scoped to {@code signingName}; else a bearer key.
     */
    static Credential credential(ServerRequest req, Supplier<byte[]> body, String signingName) {
        String authorization = CredentialHeaders.authorization(req);
        if (!SigV4Authorization.claimedBy(authorization)) return Credential.apiKey(CredentialHeaders.bearer(req));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header header : req.headers()) headers.put(header.name(), header.allValues());
        // HTTP/2 clients may sign the :authority pseudo-header instead of host. Helidon keeps pseudo-headers
        // out of req.headers() (and copies :authority into Host), so it is added here under its own name.
        if (HTTP_2.equals(req.prologue().protocolVersion()) && req.authority() != null) {
            headers.put(SigV4.AUTHORITY, List.of(req.authority()));
        }
        String query = req.query().rawValue();
        // A request without a body (a signed GET of the model list) signs the empty payload; there is no JSON to read.
        byte[] signedBody = req.content().hasEntity() ? body.get() : new byte[0];
        return new Credential.SigV4(SignableRequest.of(req.prologue().method().text(), req.path().rawPath(), query, headers, signedBody),
                signingName);
    }

    private Endpoint<ChatRequest> converse(String modelId) {
        return chat("bedrock.converse", false, body -> ConverseDecoder.decode(modelId, body), (request, outcome, requestId, res) ->
                reply(res, WireReply.json(200, ConverseEncoder.encode(Fold.of(stream(outcome)), outcome.exchange().elapsedMillis(),
                        guardrailTrace(outcome.exchange())))));
    }

    private Endpoint<ChatRequest> converseStream(String modelId) {
        return chat("bedrock.converse", true, body -> ConverseDecoder.decode(modelId, body), (request, outcome, requestId, res) ->
                StreamReply.sendFramed(res, stream(outcome), BedrockErrors::reply, Map.of("Content-Type", EVENT_STREAM), requestId,
                        out -> new ConverseStreamEncoder(out, outcome.exchange()::elapsedMillis, () -> guardrailTrace(outcome.exchange()))
                                .write(stream(outcome))));
    }

    /** The guardrail's assessments when the client asked for a trace ({@code guardrailConfig.trace: enabled}); else {@code null}. */
    private static ObjectNode guardrailTrace(Exchange exchange) {
        GuardRecord record = exchange.guardRecord();
        if (record == null || exchange.guardrail() == null || !exchange.guardrail().trace()) return null;
        return ApplyGuardrailCodec.trace(record.ref().id(), record.input(), record.output());
    }

    /** The body's format picks the family (see {@link InvokeFamily#of}); the answer comes in the same family's format. */
    private Endpoint<Invocation> invoke(String modelId) {
        return invocation(false, modelId, (call, outcome, requestId, res) -> reply(res,
                call.family().encode(Fold.of(stream(outcome)), requestId, modelId, outcome.exchange().elapsedMillis())));
    }

    private Endpoint<Invocation> invokeStream(String modelId) {
        return invocation(true, modelId, (call, outcome, requestId, res) ->
                StreamReply.sendFramed(res, stream(outcome), BedrockErrors::reply,
                        Map.of("Content-Type", EVENT_STREAM, "X-Amzn-Bedrock-Content-Type", "application/json"), requestId,
                        out -> call.family().stream(stream(outcome), out, requestId, modelId, outcome.exchange().operation().promptEstimate(),
                                outcome.exchange()::elapsedMillis)));
    }

    private static Endpoint<Invocation> invocation(boolean streaming, String modelId, Endpoint.Answer<Invocation> answer) {
        return new Endpoint<>("bedrock.invoke", BedrockRoutes::credential, body -> Invocation.decode(modelId, body, streaming),
                call -> new Operation.Chat(call.request(), streaming), BedrockErrors::reply, answer);
    }

    private static Endpoint<ChatRequest> chat(String surface, boolean streaming, Function<ObjectNode, ChatRequest> decode,
                                              Endpoint.Answer<ChatRequest> answer) {
        return new Endpoint<>(surface, BedrockRoutes::credential, decode, request -> new Operation.Chat(request, streaming),
                BedrockErrors::reply, answer);
    }
}
