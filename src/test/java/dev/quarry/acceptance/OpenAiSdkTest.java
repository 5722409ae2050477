package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import dev.quarry.metering.UsageRecord;
import dev.quarry.testing.TestQuarry;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK, unmodified, against a running Quarry on embedded defaults. */
class OpenAiSdkTest {
    static TestQuarry quarry;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start();
        client = OpenAIOkHttpClient.builder().baseUrl(quarry.baseUrl() + "/v1").apiKey(quarry.newKey("sdk-user")).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        quarry.close();
    }

    @Test
    void chatCompletionAnswersAndIsInTheLedger() {
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("quarry/echo").addSystemMessage("Be brief.").addUserMessage("Hello, Quarry").build());

        assertThat(completion.choices().getFirst().message().content()).contains("You said: Hello, Quarry");
        assertThat(completion.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.usage().orElseThrow().completionTokens()).isPositive();
        String requestId = "req_" + completion.id().substring("chatcmpl-".length());
        UsageRecord record = quarry.ledgerRecord(requestId);
        assertThat(record.surface()).isEqualTo("openai.chat");
        assertThat(record.model()).isEqualTo("quarry/echo");
        assertThat(record.status()).isEqualTo("completed");
        assertThat(record.usage().outputTokens()).isEqualTo(completion.usage().orElseThrow().completionTokens());
    }

    @Test
    void chatCompletionStreamsInSeveralChunksWithUsage() {
        var params = ChatCompletionCreateParams.builder().model("echo")
                .addUserMessage("Stream this sentence back to me in pieces please")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunks::add);
        }
        String text = chunks.stream().flatMap(c -> c.choices().stream())
                .map(c -> c.delta().content().orElse("")).collect(Collectors.joining());
        assertThat(text).isEqualTo("You said: Stream this sentence back to me in pieces please");
        assertThat(chunks.stream().filter(c -> !c.choices().isEmpty() && c.choices().getFirst().delta().content().filter(s -> !s.isEmpty()).isPresent()))
                .hasSizeGreaterThan(2);
        assertThat(chunks.getLast().usage()).hasValueSatisfying(u -> assertThat(u.totalTokens()).isPositive());
    }

    @Test
    void toolCallRoundTrip() {
        FunctionDefinition weather = FunctionDefinition.builder().name("get_weather").description("Weather for a city")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(java.util.Map.of("city", java.util.Map.of("type", "string"))))
                        .build())
                .build();
        var first = ChatCompletionCreateParams.builder().model("quarry/echo")
                .addUserMessage("What is the weather? [[call get_weather {\"city\":\"Paris\"}]]")
                .addFunctionTool(weather).build();
        ChatCompletion call = client.chat().completions().create(first);
        assertThat(call.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageFunctionToolCall toolCall = call.choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction();
        assertThat(toolCall.function().name()).isEqualTo("get_weather");
        assertThat(toolCall.function().arguments()).isEqualTo("{\"city\":\"Paris\"}");

        ChatCompletion answer = client.chat().completions().create(first.toBuilder()
                .addMessage(call.choices().getFirst().message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(toolCall.id()).content("18°C and sunny").build())
                .build());
        assertThat(answer.choices().getFirst().message().content()).contains("Tool " + toolCall.id() + " returned: 18°C and sunny");
    }

    @Test
    void responsesAnswersWithAMessage() {
        Response response = client.responses().create(ResponseCreateParams.builder().model("quarry/echo")
                .instructions("Answer plainly.").input("Hi from the Responses API").build());
        ResponseOutputItem item = response.output().getFirst();
        assertThat(item.isMessage()).isTrue();
        assertThat(item.asMessage().content().getFirst().asOutputText().text()).isEqualTo("You said: Hi from the Responses API");
        assertThat(response.usage().orElseThrow().outputTokens()).isPositive();
    }

    @Test
    void responsesWithTheSdksDefaultStoreAnswerButAnExplicitStoreTrueIsRefused() {
        // OpenAI treats an omitted 'store' as true; the SDK leaves it out unless set, so plain calls must keep working.
        var plain = ResponseCreateParams.builder().model("quarry/echo").input("Hi").build();
        assertThat(plain.store()).isEmpty();
        assertThat(client.responses().create(plain).output()).isNotEmpty();
        assertThat(client.responses().create(plain.toBuilder().store(false).build()).output()).isNotEmpty();

        BadRequestException refused = catchThrowableOfType(BadRequestException.class,
                () -> client.responses().create(plain.toBuilder().store(true).build()));
        assertThat(refused).as("store: true refused").isNotNull();
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.param()).hasValue("store");
        assertThat(refused.code()).hasValue("unsupported_feature");
        assertThat(refused.getMessage()).contains("store: false");
    }

    @Test
    void responsesStreamsAToolCallInCodexOrder() {
        var params = ResponseCreateParams.builder().model("quarry/echo")
                .input("[[call shell {\"command\":[\"ls\"]}]]")
                .addTool(FunctionTool.builder().name("shell").strict(false)
                        .parameters(FunctionTool.Parameters.builder().putAdditionalProperty("type", JsonValue.from("object")).build())
                        .build())
                .build();
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(params)) {
            stream.stream().forEach(events::add);
        }
        List<String> kinds = events.stream().map(OpenAiSdkTest::kind).toList();
        assertThat(kinds).containsSubsequence("created", "output_item.added", "function_call_arguments.delta", "output_item.done", "completed");
        assertThat(kinds.getLast()).isEqualTo("completed");
        var done = events.stream().filter(ResponseStreamEvent::isOutputItemDone).findFirst().orElseThrow().asOutputItemDone().item();
        assertThat(done.asFunctionCall().name()).isEqualTo("shell");
        assertThat(done.asFunctionCall().arguments()).isEqualTo("{\"command\":[\"ls\"]}");
    }

    @Test
    void embeddingsRankAParaphraseAboveAnUnrelatedSentence() {
        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder().model("quarry/minilm")
                .inputOfArrayOfStrings(List.of(
                        "The cat sat on the mat.",
                        "A kitten was sitting on the rug.",
                        "Quarterly revenue grew by eight percent."))
                .build());
        List<List<Float>> vectors = response.data().stream().map(e -> e.embedding()).toList();
        assertThat(vectors).allSatisfy(v -> assertThat(v).hasSize(384));
        assertThat(response.usage().promptTokens()).as("counted by the model's tokenizer").isBetween(20L, 40L);
        assertThat(cosine(vectors.get(0), vectors.get(1))).isGreaterThan(cosine(vectors.get(0), vectors.get(2)) + 0.2);
    }

    @Test
    void aBatchWhoseTotalExceedsTheModelsWindowIsEmbeddedWhenEachInputFits() {
        List<String> inputs = java.util.Collections.nCopies(40, "a short sentence about the weather today");
        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder().model("quarry/minilm")
                .inputOfArrayOfStrings(inputs).build());
        assertThat(response.data()).hasSize(40);
    }

    private static String kind(ResponseStreamEvent e) {
        if (e.isCreated()) return "created";
        if (e.isInProgress()) return "in_progress";
        if (e.isOutputItemAdded()) return "output_item.added";
        if (e.isFunctionCallArgumentsDelta()) return "function_call_arguments.delta";
        if (e.isFunctionCallArgumentsDone()) return "function_call_arguments.done";
        if (e.isOutputItemDone()) return "output_item.done";
        if (e.isCompleted()) return "completed";
        return "other";
    }

    private static double cosine(List<Float> a, List<Float> b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.size(); i++) {
            dot += a.get(i) * b.get(i);
            na += a.get(i) * a.get(i);
            nb += b.get(i) * b.get(i);
        }
        return dot / Math.sqrt(na * nb);
    }
}
