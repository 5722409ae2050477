package dev.quarry.acceptance;

import static dev.quarry.provider.openai.OpenAiStub.answer;
import static dev.quarry.provider.openai.OpenAiStub.cutAfter;
import static dev.quarry.provider.openai.OpenAiStub.rateLimited;
import static dev.quarry.provider.openai.OpenAiStub.text;
import static dev.quarry.provider.openai.OpenAiStub.toolCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.models.FunctionDefinition;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.quarry.metering.UsageRecord;
import dev.quarry.provider.openai.OpenAiStub;
import dev.quarry.testing.TestQuarry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Any surface, any upstream API: Chat Completions clients served by a Responses upstream and
 * Responses clients (Codex's API) served by a Chat Completions upstream, through a stub that
 * speaks OpenAI's exact wire format.
 */
class CrossApiTest {
    static OpenAiStub upstream;
    static TestQuarry quarry;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        upstream = OpenAiStub.start();
        quarry = TestQuarry.start("""
                providers:
                  - { name: up-responses, type: openai, base_url: "%1$s", api_key_env: UPSTREAM_KEY, api: responses }
                  - { name: up-chat, type: openai-compatible, base_url: "%1$s", api: chat_completions, whole_answers: true }
                  - { name: up-chat-streamed, type: openai-compatible, base_url: "%1$s", api: chat_completions }
                models:
                  - { id: via-responses, deployments: [{ provider: up-responses, model: gpt-upstream-r }] }
                  - { id: via-chat, deployments: [{ provider: up-chat, model: gpt-upstream-c }] }
                  - { id: via-chat-streamed, deployments: [{ provider: up-chat-streamed, model: gpt-upstream-c }] }
                """.formatted(upstream.baseUrl()), Map.of("UPSTREAM_KEY", "sk-upstream-secret"));
        client = OpenAIOkHttpClient.builder().baseUrl(quarry.baseUrl() + "/v1").apiKey(quarry.newKey("cross")).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        quarry.close();
        upstream.close();
    }

    @Test
    void aChatCompletionIsServedByAResponsesUpstream() {
        upstream.then(answer(text("Hello from the Responses upstream")));
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("via-responses").addSystemMessage("Be kind.").addUserMessage("Hi").build());

        assertThat(completion.choices().getFirst().message().content()).hasValue("Hello from the Responses upstream");
        var sent = upstream.lastRequest();
        assertThat(sent.path()).isEqualTo("/v1/responses");
        assertThat(sent.header("Authorization")).isEqualTo("Bearer sk-upstream-secret");
        assertThat(sent.body().path("model").asText()).isEqualTo("gpt-upstream-r");
        assertThat(sent.body().path("instructions").asText()).isEqualTo("Be kind.");
        // Cached input is part of OpenAI's prompt count, and reported as such.
        var usage = completion.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(OpenAiStub.USAGE.totalInputTokens());
        assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).hasValue(OpenAiStub.USAGE.cacheReadTokens());

        UsageRecord record = quarry.ledgerRecord("req_" + completion.id().substring("chatcmpl-".length()));
        assertThat(record.provider()).isEqualTo("up-responses");
        assertThat(record.upstreamModel()).isEqualTo("gpt-upstream-r");
        assertThat(record.usage()).isEqualTo(OpenAiStub.USAGE);
    }

    @Test
    void aStreamedChatCompletionIsServedByAResponsesUpstream() {
        upstream.then(answer(text("Streaming across APIs works")));
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("via-responses").addUserMessage("Hi").build())) {
            stream.stream().flatMap(c -> c.choices().stream()).forEach(c -> text.append(c.delta().content().orElse("")));
        }
        assertThat(text).hasToString("Streaming across APIs works");
        assertThat(upstream.lastRequest().body().path("stream").asBoolean()).isTrue();
    }

    @Test
    void aStreamedResponsesToolCallIsServedByAChatCompletionsUpstream() {
        upstream.then(answer(toolCall("call_9", "shell", "{\"command\":[\"ls\",\"-la\"]}")));
        var params = ResponseCreateParams.builder().model("via-chat").input("List the files")
                .addTool(FunctionTool.builder().name("shell").strict(false)
                        .parameters(FunctionTool.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object")).build())
                        .build())
                .build();
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params)) {
            stream.stream().forEach(events::add);
        }
        var call = events.stream().filter(ResponseStreamEvent::isOutputItemDone).findFirst().orElseThrow()
                .asOutputItemDone().item().asFunctionCall();
        assertThat(call.callId()).isEqualTo("call_9");
        assertThat(call.arguments()).isEqualTo("{\"command\":[\"ls\",\"-la\"]}");
        assertThat(events.getLast().isCompleted()).isTrue();

        var sent = upstream.lastRequest();
        assertThat(sent.path()).isEqualTo("/v1/chat/completions");
        assertThat(sent.header("Authorization")).as("a compatible server without a key gets no Authorization").isNull();
        assertThat(sent.body().at("/tools/0/function/name").asText()).isEqualTo("shell");
    }

    /** Without whole_answers the upstream streams whatever the client does, and the answer is the stream folded. */
    @Test
    void aChatCompletionThatDoesNotStreamIsStreamedUpstreamUnlessTheProviderAsksForWholeAnswers() {
        upstream.then(answer(text("Streamed, then folded.")));
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("via-chat-streamed").addUserMessage("hi").build());

        assertThat(upstream.lastRequest().body().path("stream").asBoolean()).isTrue();
        assertThat(completion.choices().getFirst().message().content()).hasValue("Streamed, then folded.");
    }

    @Test
    void aChatCompletionThatDoesNotStreamAsksAChatCompletionsUpstreamForTheWholeAnswer() {
        upstream.then(answer(text("Both cities, then."), toolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"),
                toolCall("call_2", "get_weather", "{\"city\":\"Rome\"}")));
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("via-chat").addUserMessage("Weather in Paris and Rome?")
                .addFunctionTool(FunctionDefinition.builder().name("get_weather").build()).build());

        var sent = upstream.lastRequest().body();
        assertThat(sent.path("stream").asBoolean(true)).isFalse();
        assertThat(sent.has("stream_options")).isFalse();
        var message = completion.choices().getFirst().message();
        assertThat(message.content()).hasValue("Both cities, then.");
        assertThat(message.toolCalls().orElseThrow()).extracting(c -> c.asFunction().id() + " " + c.asFunction().function().arguments())
                .containsExactly("call_1 {\"city\":\"Paris\"}", "call_2 {\"city\":\"Rome\"}");
        assertThat(completion.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        var usage = completion.usage().orElseThrow();
        assertThat(usage.promptTokens()).isEqualTo(OpenAiStub.USAGE.totalInputTokens());
        assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).hasValue(OpenAiStub.USAGE.cacheReadTokens());
        UsageRecord record = quarry.ledgerRecord("req_" + completion.id().substring("chatcmpl-".length()));
        assertThat(record.usage()).isEqualTo(OpenAiStub.USAGE);
    }

    @Test
    void aStreamedChatCompletionStreamsFromAChatCompletionsUpstream() {
        upstream.then(answer(text("Streamed all the way")));
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("via-chat").addUserMessage("Hi").build())) {
            stream.stream().flatMap(c -> c.choices().stream()).forEach(c -> text.append(c.delta().content().orElse("")));
        }
        assertThat(text).hasToString("Streamed all the way");
        assertThat(upstream.lastRequest().body().path("stream").asBoolean()).isTrue();
    }

    @Test
    void upstreamThrottlingReachesTheClientAs429WithRetryAfter() throws Exception {
        upstream.then(rateLimited(7));
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("via-chat").addUserMessage("Hi").build()))
                .isInstanceOfSatisfying(RateLimitException.class,
                        e -> assertThat(e.headers().values("Retry-After")).containsExactly("7"));
    }

    @Test
    void aStreamCutMidWayEndsWithAnErrorEventAndIsBilledAsFailed() throws Exception {
        upstream.then(cutAfter(3, text("This answer will not arrive whole, because the upstream hangs up")));
        HttpRequest request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + quarry.newKey("cut"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"via-chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"error\"").doesNotContain("[DONE]");
        UsageRecord record = quarry.ledgerRecord(response.headers().firstValue("x-request-id").orElseThrow());
        assertThat(record.status()).isEqualTo("failed");
        assertThat(record.errorKind()).isEqualTo("UPSTREAM_ERROR");
    }
}
