package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.anthropic.models.models.ModelInfo;
import com.anthropic.models.models.ModelListParams;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.metering.UsageRecord;
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

/** The official Anthropic Java SDK, unmodified, against a running Quarry on embedded defaults. */
class AnthropicSdkTest {
    static TestQuarry quarry;
    static AnthropicClient client;
    static String key;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start();
        key = quarry.newKey("anthropic-sdk");
        client = AnthropicOkHttpClient.builder().baseUrl(quarry.baseUrl()).apiKey(key).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        quarry.close();
    }

    @Test
    void aMessageIsAnsweredAndBilledUnderTheAnthropicSurface() {
        Message message = client.messages().create(MessageCreateParams.builder().model("quarry/echo").maxTokens(1024)
                .system("Be brief.").addUserMessage("Hello, Quarry").build());

        assertThat(message.content()).singleElement().satisfies(b -> assertThat(b.asText().text()).isEqualTo("You said: Hello, Quarry"));
        assertThat(message.stopReason()).hasValue(StopReason.END_TURN);
        assertThat(message.model().asString()).isEqualTo("quarry/echo");
        UsageRecord record = quarry.ledgerRecord("req_" + message.id().substring("msg_".length()));
        assertThat(record.surface()).isEqualTo("anthropic.messages");
        assertThat(record.model()).isEqualTo("quarry/echo");
        assertThat(record.status()).isEqualTo("completed");
        assertThat(message.usage().outputTokens()).isPositive().isEqualTo(record.usage().outputTokens());
        assertThat(message.usage().inputTokens()).isPositive().isEqualTo(record.usage().inputTokens());
        assertThat(message.usage().cacheReadInputTokens()).hasValue(0L);
    }

    @Test
    void aStreamAccumulatesToTheWholeMessageWithItsFinalUsage() {
        var params = MessageCreateParams.builder().model("quarry/echo").maxTokens(1024)
                .addUserMessage("Stream this sentence back to me in pieces please").build();
        List<RawMessageStreamEvent> events = new ArrayList<>();
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
            stream.stream().peek(events::add).forEach(accumulator::accumulate);
        }
        Message message = accumulator.message();

        assertThat(message.content()).singleElement()
                .satisfies(b -> assertThat(b.asText().text()).isEqualTo("You said: Stream this sentence back to me in pieces please"));
        assertThat(events.stream().filter(RawMessageStreamEvent::isContentBlockDelta)).hasSizeGreaterThan(2);
        assertThat(events.getFirst().isMessageStart()).isTrue();
        assertThat(events.getLast().isMessageStop()).isTrue();
        assertThat(message.stopReason()).hasValue(StopReason.END_TURN);
        // message_start cannot know the output; the accumulated message must carry message_delta's final counts.
        assertThat(events.getFirst().asMessageStart().message().usage().outputTokens()).isZero();
        UsageRecord record = quarry.ledgerRecord("req_" + message.id().substring("msg_".length()));
        assertThat(message.usage().outputTokens()).isPositive().isEqualTo(record.usage().outputTokens());
        assertThat(message.usage().inputTokens()).isPositive().isEqualTo(record.usage().inputTokens());
    }

    @Test
    void aToolCallMakesTheRoundTrip() {
        var first = MessageCreateParams.builder().model("quarry/echo").maxTokens(1024)
                .addUserMessage("What is the weather? [[call get_weather {\"city\":\"Paris\"}]]")
                .addTool(weatherTool()).build();
        Message call = client.messages().create(first);
        assertThat(call.stopReason()).hasValue(StopReason.TOOL_USE);
        ToolUseBlock use = call.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow().asToolUse();
        assertThat(use.name()).isEqualTo("get_weather");
        assertThat(input(use)).isEqualTo(Map.of("city", "Paris"));

        Message answer = client.messages().create(first.toBuilder()
                .addMessage(call)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId(use.id()).content("18°C and sunny").build())))
                .build());
        assertThat(answer.content().getFirst().asText().text()).isEqualTo("Tool " + use.id() + " returned: 18°C and sunny");
    }

    @Test
    void aStreamedToolCallAccumulatesToItsParsedInput() {
        var params = MessageCreateParams.builder().model("quarry/echo").maxTokens(1024)
                .addUserMessage("[[call get_weather {\"city\":\"São Paulo\",\"days\":3}]]").addTool(weatherTool()).build();
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Message message = accumulator.message();
        assertThat(message.stopReason()).hasValue(StopReason.TOOL_USE);
        ToolUseBlock use = message.content().getFirst().asToolUse();
        assertThat(input(use)).isEqualTo(Map.of("city", "São Paulo", "days", 3));
    }

    @Test
    void aBearerTokenIsAcceptedLikeAnApiKey() {
        AnthropicClient bearer = AnthropicOkHttpClient.builder().baseUrl(quarry.baseUrl()).authToken(key).maxRetries(0).build();
        try {
            Message message = bearer.messages().create(MessageCreateParams.builder().model("echo").maxTokens(64)
                    .addUserMessage("hi").build());
            assertThat(message.content().getFirst().asText().text()).isEqualTo("You said: hi");
        } finally {
            bearer.close();
        }
    }

    @Test
    void countTokensEstimatesWithoutBillingAModelCall() {
        String counterKey = quarry.newKey("token-counter");
        AnthropicClient counter = AnthropicOkHttpClient.builder().baseUrl(quarry.baseUrl()).apiKey(counterKey).maxRetries(0).build();
        try {
            long shortPrompt = counter.messages().countTokens(MessageCountTokensParams.builder().model("quarry/echo")
                    .addUserMessage("Hi").build()).inputTokens();
            long longPrompt = counter.messages().countTokens(MessageCountTokensParams.builder().model("quarry/echo")
                    .system("You are a careful assistant.").addUserMessage("Hi ".repeat(200)).build()).inputTokens();
            assertThat(shortPrompt).isPositive();
            assertThat(longPrompt).isGreaterThan(shortPrompt + 100);
        } finally {
            counter.close();
        }
        assertThat(quarry.ledgerFor("token-counter", 10)).isEmpty();
    }

    @Test
    void modelsAreListedInAnthropicsShapeAndPageThrough() {
        List<ModelInfo> all = client.models().list(ModelListParams.builder().limit(1000).build()).data();
        assertThat(all).extracting(ModelInfo::id).contains("quarry/echo", "claude-sonnet-4-5", "gpt-5.5");
        List<String> paged = new ArrayList<>();
        client.models().list(ModelListParams.builder().limit(4).build()).autoPager().forEach(m -> paged.add(m.id()));
        assertThat(paged).isEqualTo(all.stream().map(ModelInfo::id).toList());

        ModelInfo sonnet = client.models().retrieve("claude-sonnet-4-5");
        assertThat(sonnet.displayName()).isEqualTo("Anthropic Claude Sonnet 4.5");
        assertThat(sonnet.maxTokens()).hasValue(64_000L);
        assertThat(sonnet.maxInputTokens()).hasValue(200_000L);
        assertThat(sonnet.lifecycle()).isEqualTo(ModelInfo.Lifecycle.ACTIVE);
        assertThat(sonnet.createdAt()).isNotNull();
    }

    @Test
    void clientsWithoutAnAnthropicVersionStillGetOpenAisModelShapes() throws Exception {
        assertThat(getWithoutAnthropicVersion("/v1/models").get("object").asText()).isEqualTo("list");
        assertThat(getWithoutAnthropicVersion("/v1/models/claude-sonnet-4-5").get("object").asText()).isEqualTo("model");
    }

    private static JsonNode getWithoutAnthropicVersion(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + path)).header("Authorization", "Bearer " + key).GET().build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }

    private static Tool weatherTool() {
        return Tool.builder().name("get_weather").description("Weather for a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(Tool.InputSchema.Properties.builder()
                                .putAdditionalProperty("city", JsonValue.from(Map.of("type", "string")))
                                .putAdditionalProperty("days", JsonValue.from(Map.of("type", "integer")))
                                .build())
                        .required(List.of("city"))
                        .build())
                .build();
    }

    private static Map<String, Object> input(ToolUseBlock use) {
        return use._input().convert(new TypeReference<Map<String, Object>>() {});
    }
}
