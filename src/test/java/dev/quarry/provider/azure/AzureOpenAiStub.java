package dev.quarry.provider.azure;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local stand-in for an Azure OpenAI resource that speaks its Chat Completions stream exactly:
 * {@code /openai/deployments/<deployment>/chat/completions?api-version=...} (and the v1
 * {@code /openai/v1/chat/completions}), the key in {@code api-key}; the stream opens with a chunk of
 * {@code prompt_filter_results} whose id, model and choices are empty, every choice carries
 * {@code content_filter_results}, and the usage chunk comes before {@code [DONE]}. Errors are Azure's:
 * OpenAI's shape for request errors, {@code {"error":{"code":"429","message":...}}} for quota and keys.
 */
public final class AzureOpenAiStub extends ScriptedStub {
    /** What every scripted answer reports: 120 prompt tokens of which 20 cached, and 30 output tokens. */
    static final Usage USAGE = new Usage(100, 30, 20, 0);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DEPLOYMENT = Pattern.compile("/openai/deployments/([^/]+)/chat/completions");
    private static final String V1 = "/openai/v1/chat/completions";
    private static final String FILTERED_SAFE = "{\"hate\":{\"filtered\":false,\"severity\":\"safe\"},\"self_harm\":{\"filtered\":false,"
            + "\"severity\":\"safe\"},\"sexual\":{\"filtered\":false,\"severity\":\"safe\"},\"violence\":{\"filtered\":false,\"severity\":\"safe\"}}";

    @Override
    public Usage usage() {
        return USAGE;
    }

    @Override
    public int framesBeforeHangUp() {
        return 4;
    }

    @Override
    protected void answer(StubServer.Request request, UpstreamScript script, StubServer.Response response) throws IOException {
        Matcher deployment = DEPLOYMENT.matcher(request.path());
        boolean dated = deployment.matches() && request.query() != null && request.query().startsWith("api-version=");
        if (!dated && !request.path().equals(V1)) {
            response.sendJson(404, "{\"error\":{\"code\":\"404\",\"message\":\"Resource not found\"}}");
            return;
        }
        String model = dated ? deployment.group(1) : JSON.readTree(request.body()).path("model").asText();
        switch (script) {
            case null -> response.sendJson(500, "{\"error\":{\"code\":\"InternalServerError\",\"message\":\"stub: no answer was scripted\"}}");
            case UpstreamScript.Answer a -> response.stream("text/event-stream", chunks(a, model), a.cutAfter());
            case UpstreamScript.StreamedOverload _ -> response.stream("text/event-stream", List.of(
                    data("{\"error\":{\"message\":\"The server is overloaded.\",\"type\":\"server_error\",\"param\":null,\"code\":\"server_is_overloaded\"}}")), -1);
            case UpstreamScript.Failure f -> failure(f.failure(), response);
            case UpstreamScript.RawError e -> {
                e.headers().forEach(response::header);
                response.sendJson(e.status(), e.body());
            }
        }
    }

    /** Azure's own answer for each failure the contract kit scripts. */
    private static void failure(ProviderContractTest.UpstreamFailure failure, StubServer.Response response) throws IOException {
        long retry = ProviderContractTest.RETRY_AFTER.toSeconds();
        switch (failure) {
            case RATE_LIMITED -> response.header("Retry-After", Long.toString(retry)).header("retry-after-ms", Long.toString(retry * 1000))
                    .sendJson(429, "{\"error\":{\"code\":\"429\",\"message\":\"Requests to the ChatCompletions_Create Operation under Azure "
                            + "OpenAI API version 2024-12-01-preview have exceeded token rate limit of your current AIServices S0 pricing tier. "
                            + "Please retry after " + retry + " seconds.\"}}");
            case SERVER_ERROR -> response.sendJson(500, "{\"error\":{\"code\":\"InternalServerError\",\"message\":\"The service is temporarily unable to process your request.\"}}");
            case BAD_CREDENTIALS -> response.sendJson(401, "{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid subscription key "
                    + "or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.\"}}");
            case CONTEXT_TOO_LONG -> response.sendJson(400, "{\"error\":{\"message\":\"This model's maximum context length is 128000 tokens. However, "
                    + "your messages resulted in 130000 tokens. Please reduce the length of the messages.\",\"type\":\"invalid_request_error\","
                    + "\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}");
            case BAD_REQUEST -> response.sendJson(400, "{\"error\":{\"message\":\"Invalid value for 'temperature': must be at most 2.\","
                    + "\"type\":\"invalid_request_error\",\"param\":\"temperature\",\"code\":\"invalid_value\"}}");
        }
    }

    private static List<byte[]> chunks(UpstreamScript.Answer answer, String model) {
        List<byte[]> events = new ArrayList<>();
        events.add(data("{\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\",\"prompt_filter_results\":"
                + "[{\"prompt_index\":0,\"content_filter_results\":" + FILTERED_SAFE + "}]}"));
        events.add(choice(model, JSON.createObjectNode().put("content", "").put("role", "assistant").putNull("refusal"), null));
        int toolIndex = 0;
        for (UpstreamScript.Part part : answer.parts()) {
            switch (part) {
                case UpstreamScript.Text t -> UpstreamScript.pieces(t.text()).forEach(p -> events.add(choice(model, JSON.createObjectNode().put("content", p), null)));
                case UpstreamScript.Reasoning _ -> throw new IllegalArgumentException("Azure streams no reasoning on Chat Completions");
                case UpstreamScript.ToolCall c -> {
                    int index = toolIndex++;
                    ObjectNode first = JSON.createObjectNode();
                    first.putArray("tool_calls").addObject().put("index", index).put("id", c.id()).put("type", "function")
                            .putObject("function").put("name", c.name()).put("arguments", "");
                    events.add(choice(model, first, null));
                    for (String piece : UpstreamScript.pieces(c.arguments())) {
                        ObjectNode next = JSON.createObjectNode();
                        next.putArray("tool_calls").addObject().put("index", index).putObject("function").put("arguments", piece);
                        events.add(choice(model, next, null));
                    }
                }
            }
        }
        events.add(choice(model, JSON.createObjectNode(), answer.truncated() ? "length" : toolIndex > 0 ? "tool_calls" : "stop"));
        events.add(data("{\"choices\":[],\"created\":1700000000,\"id\":\"chatcmpl-azure\",\"model\":\"" + model + "\",\"object\":\"chat.completion.chunk\","
                + "\"system_fingerprint\":\"fp_azure\",\"usage\":{\"completion_tokens\":" + USAGE.outputTokens() + ",\"prompt_tokens\":"
                + USAGE.totalInputTokens() + ",\"total_tokens\":" + USAGE.totalTokens() + ",\"prompt_tokens_details\":{\"cached_tokens\":"
                + USAGE.cacheReadTokens() + "},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}"));
        events.add(data("[DONE]"));
        return events;
    }

    private static byte[] choice(String model, ObjectNode delta, String finishReason) {
        ObjectNode chunk = JSON.createObjectNode();
        ObjectNode choice = chunk.putArray("choices").addObject();
        try {
            choice.set("content_filter_results", finishReason == null ? JSON.readTree(FILTERED_SAFE) : JSON.createObjectNode());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        choice.set("delta", delta);
        choice.put("finish_reason", finishReason).put("index", 0).putNull("logprobs");
        chunk.put("created", 1_700_000_000).put("id", "chatcmpl-azure").put("model", model).put("object", "chat.completion.chunk")
                .put("system_fingerprint", "fp_azure").putNull("usage");
        return data(chunk.toString());
    }

    private static byte[] data(String json) {
        return ("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
    }
}
