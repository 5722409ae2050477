package dev.quarry.provider.bedrock;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.aws.EventStreamCodec;
import dev.quarry.aws.EventStreamMessage;
import dev.quarry.aws.SigV4;
import dev.quarry.aws.SigV4Authorization;
import dev.quarry.aws.SigV4Exception;
import dev.quarry.aws.SignableRequest;
import dev.quarry.canonical.Usage;
import dev.quarry.provider.ProviderContractTest;
import dev.quarry.provider.ScriptedStub;
import dev.quarry.provider.StubServer;
import dev.quarry.provider.UpstreamScript;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for bedrock-runtime that checks every request's SigV4 signature (service
 * {@code bedrock}) the way AWS does, over the path and headers as they arrived, and answers
 * ConverseStream in {@code application/vnd.amazon.eventstream} frames written with
 * {@link EventStreamCodec}: JSON payloads padded with Bedrock's {@code p} field, text and reasoning
 * blocks that begin with a delta (no {@code contentBlockStart}), {@code messageStop} then
 * {@code metadata}; errors as {@code {"message"}} bodies with {@code x-amzn-ErrorType}, or as exception frames.
 */
public final class BedrockStub extends ScriptedStub {
    static final String ACCESS_KEY_ID = "AKIDSTUBEXAMPLE";
    static final String SECRET = "stub/secret+key";
    static final String REQUEST_ID = "3f0e6a1c-5b2d-4c1e-9a7f-000000000001";
    /** What every scripted answer reports: 100 uncached input tokens, 20 read from the cache, 5 written to it, 30 output. */
    static final Usage USAGE = new Usage(100, 30, 20, 5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CONVERSE_STREAM = Pattern.compile("/model/([^/]+)/converse-stream");
    /** Bedrock pads event payloads to blur their lengths. */
    private static final String PADDING = "abcdefghijklmnopqrstuvwxyzABCDEF";

    private final List<SigV4Authorization> signatures = new CopyOnWriteArrayList<>();

    /** The verified Authorization of the last signed request. */
    SigV4Authorization lastSignature() {
        return signatures.getLast();
    }

    @Override
    public Usage usage() {
        return USAGE;
    }

    @Override
    public int framesBeforeHangUp() {
        return 3;
    }

    @Override
    protected void answer(StubServer.Request request, UpstreamScript script, StubServer.Response response) throws IOException {
        response.header("x-amzn-RequestId", REQUEST_ID);
        Matcher converse = CONVERSE_STREAM.matcher(request.path());
        if (!converse.matches()) {
            error(response, 404, "UnknownOperationException", null);
            return;
        }
        String authorization = request.header("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            try {
                SigV4Authorization parsed = SigV4Authorization.parse(authorization);
                SigV4.verify(SignableRequest.of(request.method(), request.rawPath(), request.query(), request.headers(), request.body()),
                        parsed, SECRET, "bedrock", Instant.now());
                signatures.add(parsed);
            } catch (SigV4Exception e) {
                error(response, 403, "InvalidSignatureException", e.getMessage());
                return;
            }
        }
        switch (script) {
            case null -> error(response, 500, "InternalServerException", "stub: no answer was scripted");
            case UpstreamScript.Answer a -> response.stream("application/vnd.amazon.eventstream", frames(a), a.cutAfter());
            case UpstreamScript.StreamedOverload _ -> response.stream("application/vnd.amazon.eventstream", List.of(
                    event("messageStart", JSON.createObjectNode().put("role", "assistant")),
                    EventStreamCodec.encode(EventStreamMessage.exception("serviceUnavailableException",
                            "{\"message\":\"Bedrock is unable to process your request.\"}".getBytes(StandardCharsets.UTF_8)))), -1);
            case UpstreamScript.Failure f -> failure(f.failure(), response);
            case UpstreamScript.RawError e -> {
                e.headers().forEach(response::header);
                response.sendJson(e.status(), e.body());
            }
        }
    }

    /** Bedrock's own answer for each failure the contract kit scripts. */
    private static void failure(ProviderContractTest.UpstreamFailure failure, StubServer.Response response) throws IOException {
        switch (failure) {
            // The kit's 429 carries Retry-After, which Bedrock may send and the provider must then keep.
            case RATE_LIMITED -> error(response.header("Retry-After", Long.toString(ProviderContractTest.RETRY_AFTER.toSeconds())),
                    429, "ThrottlingException", "Too many requests, please wait before trying again.");
            case SERVER_ERROR -> error(response, 500, "InternalServerException", "The system encountered an unexpected error during processing. Try your request again.");
            case BAD_CREDENTIALS -> error(response, 403, "UnrecognizedClientException", "The security token included in the request is invalid.");
            case CONTEXT_TOO_LONG -> error(response, 400, "ValidationException", "Input is too long for requested model.");
            case BAD_REQUEST -> error(response, 400, "ValidationException",
                    "Malformed input request: #/temperature: 3.0 is not less or equal to 1.0, please reformat your input and try again.");
        }
    }

    static void error(StubServer.Response response, int status, String type, String message) throws IOException {
        response.header("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazon.bedrock/");
        response.sendJson(status, JSON.createObjectNode().put("message", message).toString());
    }

    private static List<byte[]> frames(UpstreamScript.Answer answer) {
        List<byte[]> frames = new ArrayList<>();
        frames.add(event("messageStart", JSON.createObjectNode().put("role", "assistant")));
        boolean toolCalled = false;
        for (int index = 0; index < answer.parts().size(); index++) {
            List<ObjectNode> deltas = new ArrayList<>();
            switch (answer.parts().get(index)) {
                case UpstreamScript.Text t -> UpstreamScript.pieces(t.text()).forEach(p -> deltas.add(JSON.createObjectNode().put("text", p)));
                case UpstreamScript.ToolCall c -> {
                    toolCalled = true;
                    ObjectNode start = JSON.createObjectNode().put("contentBlockIndex", index);
                    start.putObject("start").putObject("toolUse").put("toolUseId", c.id()).put("name", c.name());
                    frames.add(event("contentBlockStart", start));
                    UpstreamScript.pieces(c.arguments()).forEach(p -> deltas.add(JSON.createObjectNode().set("toolUse", JSON.createObjectNode().put("input", p))));
                }
                case UpstreamScript.Reasoning r -> {
                    UpstreamScript.pieces(r.text()).forEach(p -> deltas.add(JSON.createObjectNode().set("reasoningContent", JSON.createObjectNode().put("text", p))));
                    deltas.add(JSON.createObjectNode().set("reasoningContent", JSON.createObjectNode().put("signature", r.signature())));
                }
            }
            for (ObjectNode delta : deltas) frames.add(event("contentBlockDelta", JSON.createObjectNode().put("contentBlockIndex", index).set("delta", delta)));
            frames.add(event("contentBlockStop", JSON.createObjectNode().put("contentBlockIndex", index)));
        }
        frames.add(event("messageStop", JSON.createObjectNode().put("stopReason", answer.truncated() ? "max_tokens" : toolCalled ? "tool_use" : "end_turn")));
        ObjectNode metadata = JSON.createObjectNode();
        metadata.putObject("usage").put("inputTokens", USAGE.inputTokens()).put("outputTokens", USAGE.outputTokens())
                .put("totalTokens", USAGE.totalTokens()).put("cacheReadInputTokens", USAGE.cacheReadTokens())
                .put("cacheWriteInputTokens", USAGE.cacheWriteTokens());
        metadata.putObject("metrics").put("latencyMs", 321);
        frames.add(event("metadata", metadata));
        return frames;
    }

    private static byte[] event(String type, ObjectNode payload) {
        payload.put("p", PADDING.substring(0, 1 + payload.size() % PADDING.length()));
        return EventStreamCodec.encode(EventStreamMessage.event(type, payload.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** An environment holding the access key pair the stub accepts. */
    public static Map<String, String> credentials() {
        return Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY", SECRET);
    }
}
