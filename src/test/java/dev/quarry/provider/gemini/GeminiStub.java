package dev.quarry.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.canonical.Usage;
import dev.quarry.provider.ProviderContractTest;
import dev.quarry.provider.ScriptedStub;
import dev.quarry.provider.StubServer;
import dev.quarry.provider.UpstreamScript;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A local stand-in for generativelanguage.googleapis.com that speaks {@code streamGenerateContent?alt=sse}
 * exactly: data-only SSE events ending in CRLF, each a whole {@code GenerateContentResponse} with the
 * next parts of candidate 0, {@code usageMetadata} on every chunk (the prompt count first, the full
 * counts with the {@code finishReason}), a final empty text part carrying the thought signature, and
 * no end-of-stream marker; errors in Google's {@code {"error":{"code","message","status","details"}}}.
 */
public final class GeminiStub extends ScriptedStub {
    /** What every scripted answer reports: 120 prompt tokens of which 20 cached, 25 candidate and 5 thought tokens. */
    static final Usage USAGE = new Usage(100, 30, 20, 0);
    static final String RESPONSE_ID = "resp-stub";
    static final String SIGNATURE = "CiQB0e2Kb-stub-signature";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM = ":streamGenerateContent";

    @Override
    public Usage usage() {
        return USAGE;
    }

    @Override
    public int framesBeforeHangUp() {
        return 2;
    }

    @Override
    protected void answer(StubServer.Request request, UpstreamScript script, StubServer.Response response) throws IOException {
        String path = request.path();
        if (!path.startsWith("/v1beta/models/") || !path.endsWith(STREAM) || !"alt=sse".equals(request.query())) {
            response.sendJson(404, error(404, "NOT_FOUND", "stub: no such method " + path));
            return;
        }
        String model = path.substring("/v1beta/models/".length(), path.length() - STREAM.length());
        switch (script) {
            case null -> response.sendJson(500, error(500, "INTERNAL", "stub: no answer was scripted"));
            case UpstreamScript.Answer a -> response.stream("text/event-stream", chunks(a, model), a.cutAfter());
            case UpstreamScript.StreamedOverload _ -> response.stream("text/event-stream",
                    List.of(event(JSON.readTree(error(503, "UNAVAILABLE", "The model is overloaded. Please try again later.")))), -1);
            case UpstreamScript.Failure f -> failure(f.failure(), response);
            case UpstreamScript.RawError e -> {
                e.headers().forEach(response::header);
                response.sendJson(e.status(), e.body());
            }
        }
    }

    /** Gemini's own answer for each failure the contract kit scripts. */
    private static void failure(ProviderContractTest.UpstreamFailure failure, StubServer.Response response) throws IOException {
        switch (failure) {
            case RATE_LIMITED -> {
                ObjectNode body = (ObjectNode) JSON.readTree(error(429, "RESOURCE_EXHAUSTED",
                        "You exceeded your current quota, please check your plan and billing details."));
                ((ArrayNode) body.path("error").path("details")).addObject().put("@type", "type.googleapis.com/google.rpc.RetryInfo")
                        .put("retryDelay", ProviderContractTest.RETRY_AFTER.toSeconds() + "s");
                response.sendJson(429, body.toString());
            }
            case SERVER_ERROR -> response.sendJson(500, error(500, "INTERNAL", "An internal error has occurred."));
            // Gemini answers a wrong key with 400 and names the reason in an ErrorInfo detail.
            case BAD_CREDENTIALS -> {
                ObjectNode body = (ObjectNode) JSON.readTree(error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key."));
                ((ArrayNode) body.path("error").path("details")).addObject().put("@type", "type.googleapis.com/google.rpc.ErrorInfo")
                        .put("reason", "API_KEY_INVALID").put("domain", "googleapis.com");
                response.sendJson(400, body.toString());
            }
            case CONTEXT_TOO_LONG -> response.sendJson(400, error(400, "INVALID_ARGUMENT",
                    "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576)."));
            case BAD_REQUEST -> response.sendJson(400, error(400, "INVALID_ARGUMENT",
                    "Invalid value at 'generation_config.temperature' (TYPE_FLOAT), \"hot\""));
        }
    }

    static String error(int code, String status, String message) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("error").put("code", code).put("message", message).put("status", status).putArray("details");
        return root.toString();
    }

    private static List<byte[]> chunks(UpstreamScript.Answer answer, String model) {
        List<byte[]> events = new ArrayList<>();
        for (UpstreamScript.Part part : answer.parts()) {
            switch (part) {
                case UpstreamScript.Text t -> UpstreamScript.pieces(t.text()).forEach(p -> events.add(chunk(model, JSON.createObjectNode().put("text", p), null)));
                case UpstreamScript.Reasoning r -> UpstreamScript.pieces(r.text()).forEach(p ->
                        events.add(chunk(model, JSON.createObjectNode().put("text", p).put("thought", true), null)));
                case UpstreamScript.ToolCall c -> {
                    ObjectNode call = JSON.createObjectNode();
                    if (c.id() != null) call.put("id", c.id());
                    call.put("name", c.name());
                    try {
                        call.set("args", JSON.readTree(c.arguments()));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    events.add(chunk(model, JSON.createObjectNode().<ObjectNode>set("functionCall", call).put("thoughtSignature", SIGNATURE), null));
                }
            }
        }
        events.add(chunk(model, JSON.createObjectNode().put("text", "").put("thoughtSignature", SIGNATURE), answer.truncated() ? "MAX_TOKENS" : "STOP"));
        return events;
    }

    private static byte[] chunk(String model, ObjectNode part, String finishReason) {
        ObjectNode chunk = JSON.createObjectNode();
        ObjectNode candidate = chunk.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content");
        content.putArray("parts").add(part);
        content.put("role", "model");
        if (finishReason != null) candidate.put("finishReason", finishReason);
        candidate.put("index", 0);
        ObjectNode usage = chunk.putObject("usageMetadata").put("promptTokenCount", USAGE.totalInputTokens());
        if (finishReason != null) {
            usage.put("candidatesTokenCount", 25).put("totalTokenCount", USAGE.totalTokens())
                    .put("cachedContentTokenCount", USAGE.cacheReadTokens()).put("thoughtsTokenCount", 5);
        } else {
            usage.put("totalTokenCount", USAGE.totalInputTokens());
        }
        chunk.put("modelVersion", model).put("responseId", RESPONSE_ID);
        return event(chunk);
    }

    private static byte[] event(JsonNode data) {
        return ("data: " + data + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
