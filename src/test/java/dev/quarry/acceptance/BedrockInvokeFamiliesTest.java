package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.identity.IssuedKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.testing.TestQuarry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/**
 * InvokeModel and InvokeModelWithResponseStream with each model-native body family Quarry takes
 * (OpenAI Chat Completions, Meta Llama, Amazon Nova), through the unmodified AWS SDK clients,
 * against the offline echo model, whose id names no family: the body alone decides.
 */
class BedrockInvokeFamiliesTest {
    private static final String MODEL = "quarry/echo";
    private static final ObjectMapper JSON = new ObjectMapper();

    static TestQuarry quarry;
    static BedrockRuntimeClient client;
    static BedrockRuntimeAsyncClient asyncClient;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start();
        IssuedKey key = quarry.quarry().identities().createKey("invoke-families", PrincipalKind.USER);
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey()));
        client = BedrockRuntimeClient.builder().endpointOverride(URI.create(quarry.baseUrl())).region(Region.US_EAST_1)
                .credentialsProvider(credentials).overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
        asyncClient = BedrockRuntimeAsyncClient.builder().endpointOverride(URI.create(quarry.baseUrl())).region(Region.US_EAST_1)
                .credentialsProvider(credentials).overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        asyncClient.close();
        quarry.close();
    }

    @Test
    void anOpenAiBodyIsAnsweredWithAChatCompletion() {
        JsonNode completion = invoke(openAi("Hi from gpt-oss"));

        assertThat(completion.path("object").asText()).isEqualTo("chat.completion");
        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("You said: Hi from gpt-oss");
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(completion.at("/usage/completion_tokens").asLong()).isPositive();
    }

    @Test
    void anOpenAiStreamIsChatCompletionChunks() throws Exception {
        List<JsonNode> chunks = invokeStream(openAi("Stream gpt-oss"));

        assertThat(chunks).allSatisfy(c -> assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk"));
        assertThat(text(chunks, "/choices/0/delta/content")).isEqualTo("You said: Stream gpt-oss");
        assertThat(chunks.getLast().at("/amazon-bedrock-invocationMetrics/outputTokenCount").asLong()).isPositive();
    }

    @Test
    void aLlamaBodyIsAnsweredWithAGeneration() {
        JsonNode answer = invoke("{\"prompt\": \"Hi from Llama\", \"max_gen_len\": 128, \"temperature\": 0.5}");

        assertThat(answer.path("generation").asText()).isEqualTo("You said: Hi from Llama");
        assertThat(answer.path("stop_reason").asText()).isEqualTo("stop");
        assertThat(answer.path("prompt_token_count").asLong()).isPositive();
        assertThat(answer.path("generation_token_count").asLong()).isPositive();
    }

    @Test
    void aLlamaStreamIsGenerationChunks() throws Exception {
        List<JsonNode> chunks = invokeStream("{\"prompt\": \"Stream Llama\"}");

        assertThat(text(chunks, "/generation")).isEqualTo("You said: Stream Llama");
        assertThat(chunks.getFirst().path("prompt_token_count").asLong()).isPositive();
        assertThat(chunks.getLast().path("stop_reason").asText()).isEqualTo("stop");
        assertThat(chunks.getLast().at("/amazon-bedrock-invocationMetrics/inputTokenCount").asLong()).isPositive();
    }

    @Test
    void aNovaBodyIsAnsweredWithANovaMessage() {
        JsonNode answer = invoke(nova("Hi from Nova"));

        assertThat(answer.at("/output/message/role").asText()).isEqualTo("assistant");
        assertThat(answer.at("/output/message/content/0/text").asText()).isEqualTo("You said: Hi from Nova");
        assertThat(answer.path("stopReason").asText()).isEqualTo("end_turn");
        assertThat(answer.at("/usage/totalTokens").asLong()).isPositive();
        assertThat(answer.path("usage").has("cacheReadInputTokenCount")).isTrue();
    }

    @Test
    void aNovaStreamIsConverseEventsAsChunks() throws Exception {
        List<JsonNode> chunks = invokeStream(nova("Stream Nova"));

        assertThat(chunks.getFirst().has("messageStart")).isTrue();
        assertThat(text(chunks, "/contentBlockDelta/delta/text")).isEqualTo("You said: Stream Nova");
        assertThat(chunks).anySatisfy(c -> assertThat(c.at("/messageStop/stopReason").asText()).isEqualTo("end_turn"));
        assertThat(chunks.getLast().at("/metadata/usage/outputTokens").asLong()).isPositive();
        assertThat(chunks.getLast().has("amazon-bedrock-invocationMetrics")).isTrue();
    }

    @Test
    void aBodyOfNoKnownFamilyIsAValidationException() {
        assertThatThrownBy(() -> invoke("{\"inputText\": \"Hi from Titan\"}")).isInstanceOfSatisfying(ValidationException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorMessage()).contains("Llama", "Nova", "Converse");
        });
    }

    private static JsonNode invoke(String body) {
        return read(client.invokeModel(r -> r.modelId(MODEL).contentType("application/json").accept("application/json")
                .body(SdkBytes.fromUtf8String(body))).body().asUtf8String());
    }

    private static List<JsonNode> invokeStream(String body) throws Exception {
        var chunks = new CopyOnWriteArrayList<JsonNode>();
        var handler = InvokeModelWithResponseStreamResponseHandler.builder()
                .subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder()
                        .onChunk(chunk -> chunks.add(read(chunk.bytes().asUtf8String()))).build())
                .build();
        asyncClient.invokeModelWithResponseStream(r -> r.modelId(MODEL).contentType("application/json").body(SdkBytes.fromUtf8String(body)),
                handler).get(30, TimeUnit.SECONDS);
        return chunks;
    }

    /** The text the chunks spell out at {@code pointer}. */
    private static String text(List<JsonNode> chunks, String pointer) {
        var text = new StringBuilder();
        chunks.forEach(c -> text.append(c.at(pointer).asText("")));
        return text.toString();
    }

    private static String openAi(String text) {
        return "{\"messages\": [{\"role\": \"user\", \"content\": \"%s\"}], \"max_completion_tokens\": 128}".formatted(text);
    }

    private static String nova(String text) {
        return """
                {"schemaVersion": "messages-v1", "messages": [{"role": "user", "content": [{"text": "%s"}]}],
                 "inferenceConfig": {"maxTokens": 128, "temperature": 0.5}}
                """.formatted(text);
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
