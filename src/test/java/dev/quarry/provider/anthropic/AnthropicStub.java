package dev.quarry.provider.anthropic;

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
import java.util.Arrays;
import java.util.List;

/**
 * A local stand-in for api.anthropic.com that speaks the Messages API's streaming format exactly:
 * named SSE events whose JSON repeats the name as {@code type}, a {@code ping} among them, tool input
 * as {@code input_json_delta} fragments starting with an empty one, thinking with its
 * {@code signature_delta}, cumulative usage in {@code message_delta}; errors as
 * {@code {"type":"error","error":{...},"request_id":...}}.
 */
public final class AnthropicStub extends ScriptedStub {
    /** What every scripted answer reports: 100 uncached input tokens, 20 read from the cache, 5 written to it, 30 output. */
    static final Usage USAGE = new Usage(100, 30, 20, 5);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Usage usage() {
        return USAGE;
    }

    @Override
    public int framesBeforeHangUp() {
        return 5;
    }

    @Override
    protected void answer(StubServer.Request request, UpstreamScript script, StubServer.Response response) throws IOException {
        if (!request.path().equals("/v1/messages")) {
            response.sendJson(404, error("not_found_error", "Not found: " + request.path()));
            return;
        }
        JsonNode body = JSON.readTree(request.body());
        String model = body.path("model").asText();
        boolean streams = body.path("stream").asBoolean(false);
        switch (script) {
            case null -> response.sendJson(500, error("api_error", "stub: no answer was scripted"));
            case UpstreamScript.Answer a when !streams -> sendWhole(response, message(a, model), a.cutAfter() >= 0);
            case UpstreamScript.StreamedOverload _ when !streams -> response.sendJson(200, error("overloaded_error", "Overloaded"));
            case UpstreamScript.Answer a -> response.stream("text/event-stream", events(a, model), a.cutAfter());
            case UpstreamScript.StreamedOverload _ -> response.stream("text/event-stream",
                    List.of(messageStart(model), event(JSON.readTree(error("overloaded_error", "Overloaded")))), -1);
            case UpstreamScript.Failure f -> failure(f.failure(), response);
            case UpstreamScript.RawError e -> {
                e.headers().forEach(response::header);
                response.sendJson(e.status(), e.body());
            }
        }
    }

    /** Anthropic's own answer for each failure the contract kit scripts. */
    private static void failure(ProviderContractTest.UpstreamFailure failure, StubServer.Response response) throws IOException {
        switch (failure) {
            case RATE_LIMITED -> response.header("retry-after", Long.toString(ProviderContractTest.RETRY_AFTER.toSeconds()))
                    .sendJson(429, error("rate_limit_error", "This request would exceed the rate limit for your organization of 50 requests per minute."));
            case SERVER_ERROR -> response.sendJson(529, error("overloaded_error", "Overloaded"));
            case BAD_CREDENTIALS -> response.sendJson(401, error("authentication_error", "invalid x-api-key"));
            case CONTEXT_TOO_LONG -> response.sendJson(400, error("invalid_request_error", "prompt is too long: 208310 tokens > 200000 maximum"));
            case BAD_REQUEST -> response.sendJson(400, error("invalid_request_error", "temperature: range: 0..1"));
        }
    }

    static String error(String type, String message) {
        ObjectNode root = JSON.createObjectNode().put("type", "error");
        root.putObject("error").put("type", type).put("message", message);
        root.put("request_id", "req_stub");
        return root.toString();
    }

    private static List<byte[]> events(UpstreamScript.Answer answer, String model) {
        List<byte[]> events = new ArrayList<>();
        events.add(messageStart(model));
        events.add(event(JSON.createObjectNode().put("type", "ping")));
        boolean toolCalled = false;
        for (int index = 0; index < answer.parts().size(); index++) {
            ObjectNode block = JSON.createObjectNode();
            List<ObjectNode> deltas = new ArrayList<>();
            switch (answer.parts().get(index)) {
                case UpstreamScript.Text t -> {
                    block.put("type", "text").put("text", "");
                    UpstreamScript.pieces(t.text()).forEach(p -> deltas.add(JSON.createObjectNode().put("type", "text_delta").put("text", p)));
                }
                case UpstreamScript.ToolCall c -> {
                    toolCalled = true;
                    block.put("type", "tool_use").put("id", c.id()).put("name", c.name()).putObject("input");
                    deltas.add(JSON.createObjectNode().put("type", "input_json_delta").put("partial_json", ""));
                    UpstreamScript.pieces(c.arguments()).forEach(p -> deltas.add(JSON.createObjectNode().put("type", "input_json_delta").put("partial_json", p)));
                }
                case UpstreamScript.Reasoning r -> {
                    block.put("type", "thinking").put("thinking", "");
                    UpstreamScript.pieces(r.text()).forEach(p -> deltas.add(JSON.createObjectNode().put("type", "thinking_delta").put("thinking", p)));
                    deltas.add(JSON.createObjectNode().put("type", "signature_delta").put("signature", r.signature()));
                }
            }
            events.add(event(JSON.createObjectNode().put("type", "content_block_start").put("index", index).set("content_block", block)));
            for (ObjectNode delta : deltas) {
                events.add(event(JSON.createObjectNode().put("type", "content_block_delta").put("index", index).set("delta", delta)));
            }
            events.add(event(JSON.createObjectNode().put("type", "content_block_stop").put("index", index)));
        }
        ObjectNode messageDelta = JSON.createObjectNode().put("type", "message_delta");
        messageDelta.putObject("delta").put("stop_reason", answer.truncated() ? "max_tokens" : toolCalled ? "tool_use" : "end_turn").putNull("stop_sequence");
        messageDelta.putObject("usage").put("output_tokens", USAGE.outputTokens());
        events.add(event(messageDelta));
        events.add(event(JSON.createObjectNode().put("type", "message_stop")));
        return events;
    }

    /** The answer whole, as a call with {@code "stream": false} gets it: one {@code message}. */
    private static ObjectNode message(UpstreamScript.Answer answer, String model) {
        ObjectNode message = JSON.createObjectNode().put("id", "msg_stub").put("type", "message").put("role", "assistant").put("model", model);
        ArrayNode content = message.putArray("content");
        boolean toolCalled = false;
        for (UpstreamScript.Part part : answer.parts()) {
            switch (part) {
                case UpstreamScript.Text t -> content.addObject().put("type", "text").put("text", t.text());
                case UpstreamScript.ToolCall c -> {
                    toolCalled = true;
                    content.addObject().put("type", "tool_use").put("id", c.id()).put("name", c.name()).set("input", readJson(c.arguments()));
                }
                case UpstreamScript.Reasoning r -> content.addObject().put("type", "thinking").put("thinking", r.text()).put("signature", r.signature());
            }
        }
        message.put("stop_reason", answer.truncated() ? "max_tokens" : toolCalled ? "tool_use" : "end_turn").putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", USAGE.inputTokens()).put("cache_creation_input_tokens", USAGE.cacheWriteTokens())
                .put("cache_read_input_tokens", USAGE.cacheReadTokens()).put("output_tokens", USAGE.outputTokens());
        return message;
    }

    /** Sends a whole JSON answer; a cut one hangs up halfway through it. */
    private static void sendWhole(StubServer.Response response, JsonNode answer, boolean cut) throws IOException {
        if (!cut) {
            response.sendJson(200, answer.toString());
            return;
        }
        byte[] bytes = answer.toString().getBytes(StandardCharsets.UTF_8);
        response.stream("application/json", List.of(Arrays.copyOf(bytes, bytes.length / 2), new byte[0]), 1);
    }

    private static JsonNode readJson(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] messageStart(String model) {
        ObjectNode message = JSON.createObjectNode().put("id", "msg_stub").put("type", "message").put("role", "assistant").put("model", model);
        message.putArray("content");
        message.putNull("stop_reason").putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", USAGE.inputTokens()).put("cache_creation_input_tokens", USAGE.cacheWriteTokens())
                .put("cache_read_input_tokens", USAGE.cacheReadTokens()).put("output_tokens", 1);
        return event(JSON.createObjectNode().put("type", "message_start").set("message", message));
    }

    /** An SSE event named by the data's {@code type}, as Anthropic names every event. */
    private static byte[] event(JsonNode data) {
        return ("event: " + data.path("type").asText() + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    }
}
