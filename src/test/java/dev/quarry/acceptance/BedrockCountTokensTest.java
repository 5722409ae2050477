package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.MessageCountTokensParams;
import dev.quarry.canonical.Tokenizer;
import dev.quarry.identity.IssuedKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.testing.TestQuarry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.token.credentials.StaticTokenProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClientBuilder;
import software.amazon.awssdk.services.bedrockruntime.auth.scheme.BedrockRuntimeAuthSchemeProvider;
import software.amazon.awssdk.services.bedrockruntime.model.BedrockRuntimeException;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.CountTokensInput;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;

/**
 * Bedrock Runtime's CountTokens through the AWS SDK for Java v2: a Converse input or an InvokeModel
 * body, counted by the path's model's tokenizer as Anthropic's count_tokens counts the same prompt,
 * authorized as {@code quarry:CountTokens} on that model and refused in restJson1's shape.
 */
class BedrockCountTokensTest {
    /** o200k_base: 6 tokens, as OpenAI's cookbook shows. */
    private static final String SYSTEM = "tiktoken is great!";
    /** o200k_base: 2 tokens, as tiktoken's README shows. */
    private static final String USER = "hello world";
    /** OpenAI's chat framing around those: {@code <|start|>system<|message|> 6 <|end|>}, the user's likewise, and the assistant's start. */
    private static final int GPT_COUNT = 3 + 6 + 3 + 2 + 3;
    private static final String GPT = "gpt-5.5";
    private static final String CLAUDE = "claude-sonnet-4-5";

    static TestQuarry quarry;
    static IssuedKey key;
    static BedrockRuntimeClient client;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start("""
                providers:
                  - { name: nowhere-openai, type: openai-compatible, base_url: "http://127.0.0.1:9/v1" }
                  - { name: nowhere-anthropic, type: anthropic, base_url: "http://127.0.0.1:9", api_key_env: ANTHROPIC_KEY }
                models:
                  - { id: gpt-5.5, deployments: [{ provider: nowhere-openai, model: gpt-upstream }] }
                  - { id: claude-sonnet-4-5, deployments: [{ provider: nowhere-anthropic, model: claude-upstream }] }
                """, Map.of("ANTHROPIC_KEY", "sk-ant"));
        quarry.admin("PUT", "/admin/policies/NoGptCounting", """
                {"Statement": [{"Sid": "NoCount", "Effect": "Deny", "Action": "quarry:CountTokens", "Resource": "model/gpt-5.5"}]}""")
                .expect(200);
        key = quarry.quarry().identities().createKey("bedrock-counter", PrincipalKind.USER);
        client = sdk(b -> b.credentialsProvider(pair(key.accessKeyId(), key.secretAccessKey())));
    }

    @AfterAll
    static void stop() {
        client.close();
        quarry.close();
    }

    @Test
    void aConverseInputIsCountedByTheModelsTokenizer() {
        assertThat(countConverse(client, GPT)).isEqualTo(GPT_COUNT);
        Tokenizer estimate = Tokenizer.ESTIMATE;
        assertThat(countConverse(client, CLAUDE))
                .isEqualTo(estimate.perMessage() + estimate.count(SYSTEM) + estimate.perMessage() + estimate.count(USER))
                .isEqualTo(anthropicCount(CLAUDE));
        assertThat(quarry.ledgerFor("bedrock-counter", 10)).as("counting is not a model call").isEmpty();
    }

    @Test
    void anInvokeModelBodyIsCountedAsItsFamilyDecodesIt() {
        String openAi = """
                {"messages": [{"role": "system", "content": "%s"}, {"role": "user", "content": "%s"}], "max_tokens": 10}
                """.formatted(SYSTEM, USER);
        assertThat(countInvoke(client, GPT, openAi)).isEqualTo(GPT_COUNT);
        String anthropic = """
                {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 10, "system": "%s", "messages": [{"role": "user", "content": "%s"}]}
                """.formatted(SYSTEM, USER);
        assertThat(countInvoke(client, CLAUDE, anthropic)).isEqualTo(anthropicCount(CLAUDE));
    }

    @Test
    void aBedrockApiKeyCountsToo() {
        String apiKey = quarry.newKey("bearer-counter");
        try (BedrockRuntimeClient bearer = sdk(b -> b.tokenProvider(StaticTokenProvider.create(() -> apiKey))
                .authSchemeProvider(BedrockRuntimeAuthSchemeProvider.defaultProvider(List.of("httpBearerAuth"))))) {
            assertThat(countConverse(bearer, GPT)).isEqualTo(GPT_COUNT);
        }
    }

    @Test
    void anUnknownModelIsAResourceNotFound() {
        assertRefused(() -> countConverse(client, "no-such-model"), 404, "ResourceNotFoundException", "'no-such-model' does not exist");
    }

    @Test
    void aStrangerIsAnUnrecognizedClient() {
        try (BedrockRuntimeClient stranger = sdk(b -> b.credentialsProvider(pair("QKIAAAAAAAAAAAAAAAAA", key.secretAccessKey())))) {
            assertRefused(() -> countConverse(stranger, GPT), 403, "UnrecognizedClientException", "security token included in the request is invalid");
        }
        HttpResponse<String> unsigned = post("/model/" + GPT + "/count-tokens", null, converseInput());
        assertThat(unsigned.statusCode()).as(unsigned.body()).isEqualTo(403);
        assertThat(unsigned.headers().firstValue("X-Amzn-Errortype")).contains("UnrecognizedClientException");
    }

    @Test
    void aDenyOnCountTokensHoldsForThePathsModel() {
        IssuedKey denied = quarry.quarry().identities().createKey("no-gpt-counter", PrincipalKind.USER);
        quarry.admin("POST", "/admin/policies/NoGptCounting/attachments", "{\"target_type\": \"principal\", \"target_name\": \"no-gpt-counter\"}")
                .expect(200);
        try (BedrockRuntimeClient refused = sdk(b -> b.credentialsProvider(pair(denied.accessKeyId(), denied.secretAccessKey())))) {
            assertRefused(() -> countConverse(refused, GPT), 403, "AccessDeniedException", "statement 'NoCount' of policy 'NoGptCounting'");
            assertThat(countConverse(refused, CLAUDE)).as("another model is still counted").isPositive();
        }
    }

    @Test
    void malformedInputsAreValidationExceptions() {
        String apiKey = quarry.newKey("sloppy-counter");
        String path = "/model/" + GPT + "/count-tokens";
        assertValidation(post(path, apiKey, "{\"input\": {"), "not valid JSON");
        assertValidation(post(path, apiKey, "{}"), "'input'");
        assertValidation(post(path, apiKey, "{\"input\": {}}"), "'input'");
        assertValidation(post(path, apiKey, "{\"input\": {\"converse\": {\"messages\": []}, \"invokeModel\": {\"body\": \"e30=\"}}}"),
                "'input'");
        assertValidation(post(path, apiKey, "{\"input\": {\"converse\": {\"messages\": []}}}"), "'messages'");
        assertValidation(post(path, apiKey, "{\"input\": {\"invokeModel\": {\"body\": \"not base64!\"}}}"), "input.invokeModel.body");
        String notJson = Base64.getEncoder().encodeToString("{\"messages\": [".getBytes(StandardCharsets.UTF_8));
        assertValidation(post(path, apiKey, "{\"input\": {\"invokeModel\": {\"body\": \"" + notJson + "\"}}}"), "not valid JSON");
        String noFamily = Base64.getEncoder().encodeToString("{\"inputText\": \"hi\"}".getBytes(StandardCharsets.UTF_8));
        assertValidation(post(path, apiKey, "{\"input\": {\"invokeModel\": {\"body\": \"" + noFamily + "\"}}}"), "no model format");
    }

    private static void assertValidation(HttpResponse<String> reply, String message) {
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(400);
        assertThat(reply.headers().firstValue("X-Amzn-Errortype")).contains("ValidationException");
        assertThat(reply.body()).contains(message);
    }

    /** A JSON POST with a Bedrock API key as a bearer token, or with no credential at all. */
    private static HttpResponse<String> post(String path, String apiKey, String body) {
        var request = HttpRequest.newBuilder(URI.create(quarry.baseUrl() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) request.header("Authorization", "Bearer " + apiKey);
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static long countConverse(BedrockRuntimeClient c, String model) {
        return c.countTokens(r -> r.modelId(model).input(CountTokensInput.fromConverse(t -> t
                .system(SystemContentBlock.fromText(SYSTEM))
                .messages(Message.builder().role("user").content(ContentBlock.fromText(USER)).build())))).inputTokens();
    }

    private static long countInvoke(BedrockRuntimeClient c, String model, String body) {
        return c.countTokens(r -> r.modelId(model).input(CountTokensInput.fromInvokeModel(t -> t.body(SdkBytes.fromUtf8String(body)))))
                .inputTokens();
    }

    private static String converseInput() {
        return "{\"input\": {\"converse\": {\"messages\": [{\"role\": \"user\", \"content\": [{\"text\": \"" + USER + "\"}]}]}}}";
    }

    /** What Anthropic's count_tokens answers for the same prompt and model. */
    private static long anthropicCount(String model) {
        AnthropicClient anthropic = AnthropicOkHttpClient.builder().baseUrl(quarry.baseUrl()).apiKey(quarry.newKey("anthropic-counter"))
                .maxRetries(0).build();
        try {
            return anthropic.messages().countTokens(MessageCountTokensParams.builder().model(model).system(SYSTEM).addUserMessage(USER).build())
                    .inputTokens();
        } finally {
            anthropic.close();
        }
    }

    private static void assertRefused(Runnable call, int status, String errorCode, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(BedrockRuntimeException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(status);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(errorCode);
            assertThat(e.awsErrorDetails().errorMessage()).contains(message);
        });
    }

    private static StaticCredentialsProvider pair(String accessKeyId, String secret) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secret));
    }

    private static BedrockRuntimeClient sdk(Consumer<BedrockRuntimeClientBuilder> auth) {
        BedrockRuntimeClientBuilder builder = BedrockRuntimeClient.builder().endpointOverride(URI.create(quarry.baseUrl()))
                .region(Region.US_EAST_1).overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        auth.accept(builder);
        return builder.build();
    }
}
