package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.identity.IssuedKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.metering.UsageRecord;
import dev.quarry.testing.TestQuarry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.token.credentials.StaticTokenProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeBaseClientBuilder;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClientBuilder;
import software.amazon.awssdk.services.bedrockruntime.auth.scheme.BedrockRuntimeAuthSchemeProvider;
import software.amazon.awssdk.services.bedrockruntime.model.BedrockRuntimeException;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamMetadataEvent;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelResponse;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.StopReason;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;

/**
 * The AWS SDK for Java v2 Bedrock Runtime clients, sync and async, unmodified, against a running
 * Quarry, signing with a Quarry access key pair. Models answer through the offline echo model;
 * one is configured under a Bedrock-style id with a {@code :} in it.
 */
class BedrockSdkTest {
    private static final String CLAUDE_ID = "anthropic.claude-sonnet-4-5-20250929-v1:0";
    private static final ObjectMapper JSON = new ObjectMapper();

    static TestQuarry quarry;
    static IssuedKey key;
    static BedrockRuntimeClient client;
    static BedrockRuntimeAsyncClient asyncClient;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start("""
                models: [{ id: "%s", deployments: [{ provider: quarry-echo, model: echo }] }]
                """.formatted(CLAUDE_ID), Map.of());
        key = quarry.quarry().identities().createKey("bedrock-user", PrincipalKind.USER);
        client = syncClient(b -> b.credentialsProvider(pair(key.accessKeyId(), key.secretAccessKey())));
        // Unchanged: the async client's default HTTP/2 (cleartext upgrade) is served by Quarry.
        asyncClient = pointedAtQuarry(BedrockRuntimeAsyncClient.builder())
                .credentialsProvider(pair(key.accessKeyId(), key.secretAccessKey())).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        asyncClient.close();
        quarry.close();
    }

    @Test
    void converseAnswersWithUsageAndIsInTheLedger() {
        ConverseResponse response = client.converse(r -> r.modelId("quarry/echo")
                .system(SystemContentBlock.fromText("Be brief."))
                .messages(Message.builder().role("user").content(ContentBlock.fromText("Hello, Bedrock")).build())
                .inferenceConfig(c -> c.maxTokens(200)));

        assertThat(response.output().message().content().getFirst().text()).isEqualTo("You said: Hello, Bedrock");
        assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
        assertThat(response.usage().outputTokens()).isPositive();
        assertThat(response.usage().totalTokens()).isEqualTo(response.usage().inputTokens() + response.usage().outputTokens());
        assertThat(response.metrics().latencyMs()).isNotNegative();
        UsageRecord record = quarry.ledgerFor("bedrock-user", 10).stream()
                .filter(r -> r.surface().equals("bedrock.converse") && r.model().equals("quarry/echo")).findFirst().orElseThrow();
        assertThat(record.usage().outputTokens()).isEqualTo(response.usage().outputTokens().longValue());
    }

    @Test
    void aModelIdWithAColonWorksAsTheSdkEncodesIt() {
        ConverseResponse response = client.converse(r -> r.modelId(CLAUDE_ID)
                .messages(Message.builder().role("user").content(ContentBlock.fromText("colon check")).build()));

        assertThat(response.output().message().content().getFirst().text()).isEqualTo("You said: colon check");
    }

    @Test
    void converseStreamStreamsAToolCallAndTheToolResultIsAnswered() throws Exception {
        Tool weather = Tool.fromToolSpec(s -> s.name("get_weather").description("Weather for a city")
                .inputSchema(i -> i.json(Document.mapBuilder().putString("type", "object")
                        .putDocument("properties", Document.mapBuilder().putDocument("city", Document.mapBuilder().putString("type", "string").build()).build())
                        .build())));
        Message ask = Message.builder().role("user").content(ContentBlock.fromText("[[call get_weather {\"city\":\"Paris\"}]]")).build();
        var events = new CopyOnWriteArrayList<String>();
        var input = new StringBuffer();
        var toolUse = new String[2];
        var metadata = new ConverseStreamMetadataEvent[1];
        var stop = new StopReason[1];
        ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
                .subscriber(ConverseStreamResponseHandler.Visitor.builder()
                        .onMessageStart(e -> events.add("messageStart"))
                        .onContentBlockStart(e -> {
                            events.add("contentBlockStart");
                            toolUse[0] = e.start().toolUse().toolUseId();
                            toolUse[1] = e.start().toolUse().name();
                        })
                        .onContentBlockDelta(e -> {
                            events.add("contentBlockDelta");
                            input.append(e.delta().toolUse().input());
                        })
                        .onContentBlockStop(e -> events.add("contentBlockStop"))
                        .onMessageStop(e -> {
                            events.add("messageStop");
                            stop[0] = e.stopReason();
                        })
                        .onMetadata(e -> {
                            events.add("metadata");
                            metadata[0] = e;
                        })
                        .build())
                .build();

        asyncClient.converseStream(ConverseStreamRequest.builder().modelId(CLAUDE_ID).messages(ask).toolConfig(t -> t.tools(weather)).build(), handler)
                .get(30, TimeUnit.SECONDS);

        assertThat(events.getFirst()).isEqualTo("messageStart");
        assertThat(events).containsSubsequence("contentBlockStart", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata");
        assertThat(events.getLast()).isEqualTo("metadata");
        assertThat(toolUse[1]).isEqualTo("get_weather");
        assertThat(JSON.readTree(input.toString())).isEqualTo(JSON.readTree("{\"city\":\"Paris\"}"));
        assertThat(stop[0]).isEqualTo(StopReason.TOOL_USE);
        assertThat(metadata[0].usage().outputTokens()).isPositive();
        assertThat(metadata[0].usage().cacheReadInputTokens()).isZero();
        assertThat(metadata[0].metrics().latencyMs()).isNotNegative();

        Message called = Message.builder().role("assistant").content(ContentBlock.fromToolUse(ToolUseBlock.builder()
                .toolUseId(toolUse[0]).name("get_weather").input(Document.mapBuilder().putString("city", "Paris").build()).build())).build();
        Message result = Message.builder().role("user").content(ContentBlock.fromToolResult(ToolResultBlock.builder()
                .toolUseId(toolUse[0]).content(ToolResultContentBlock.fromText("18C and sunny")).build())).build();
        ConverseResponse answer = client.converse(r -> r.modelId(CLAUDE_ID).messages(ask, called, result).toolConfig(t -> t.tools(weather)));

        assertThat(answer.output().message().content().getFirst().text()).isEqualTo("Tool " + toolUse[0] + " returned: 18C and sunny");
    }

    @Test
    void invokeModelTakesAnAnthropicBodyAndAnswersAnAnthropicMessage() throws IOException {
        InvokeModelResponse response = client.invokeModel(r -> r.modelId(CLAUDE_ID).contentType("application/json").accept("application/json")
                .body(SdkBytes.fromUtf8String(anthropicBody("Hi from InvokeModel"))));

        JsonNode message = JSON.readTree(response.body().asUtf8String());
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("id").asText()).startsWith("msg_bdrk_");
        assertThat(message.path("model").asText()).isEqualTo(CLAUDE_ID);
        assertThat(message.path("content").get(0).path("text").asText()).isEqualTo("You said: Hi from InvokeModel");
        assertThat(message.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(message.path("usage").path("output_tokens").asLong()).isPositive();
        assertThat(quarry.ledgerFor("bedrock-user", 10)).anySatisfy(r -> assertThat(r.surface()).isEqualTo("bedrock.invoke"));
    }

    @Test
    void invokeModelWithResponseStreamSendsAnthropicEventsAsChunks() throws Exception {
        var types = new CopyOnWriteArrayList<String>();
        var text = new StringBuffer();
        var metrics = new JsonNode[1];
        InvokeModelWithResponseStreamResponseHandler handler = InvokeModelWithResponseStreamResponseHandler.builder()
                .subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder().onChunk(chunk -> {
                    JsonNode event = read(chunk.bytes().asUtf8String());
                    types.add(event.path("type").asText());
                    if (event.path("type").asText().equals("content_block_delta")) text.append(event.path("delta").path("text").asText());
                    if (event.has("amazon-bedrock-invocationMetrics")) metrics[0] = event.get("amazon-bedrock-invocationMetrics");
                }).build())
                .build();

        asyncClient.invokeModelWithResponseStream(r -> r.modelId(CLAUDE_ID).contentType("application/json")
                .body(SdkBytes.fromUtf8String(anthropicBody("Stream me back please"))), handler).get(30, TimeUnit.SECONDS);

        assertThat(types.getFirst()).isEqualTo("message_start");
        assertThat(types).containsSubsequence("content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop")
                .doesNotContain("ping");
        assertThat(text.toString()).isEqualTo("You said: Stream me back please");
        assertThat(metrics[0].path("outputTokenCount").asLong()).isPositive();
    }

    @Test
    void aBedrockApiKeyIsABearerToken() {
        String apiKey = quarry.newKey("bearer-user");
        try (BedrockRuntimeClient bearer = syncClient(b -> b.tokenProvider(StaticTokenProvider.create(() -> apiKey))
                .authSchemeProvider(BedrockRuntimeAuthSchemeProvider.defaultProvider(List.of("httpBearerAuth"))))) {
            ConverseResponse response = bearer.converse(r -> r.modelId("quarry/echo")
                    .messages(Message.builder().role("user").content(ContentBlock.fromText("bearer")).build()));
            assertThat(response.output().message().content().getFirst().text()).isEqualTo("You said: bearer");
        }
    }

    @Test
    void aWrongSecretIsAnInvalidSignature() {
        try (BedrockRuntimeClient wrong = syncClient(b -> b.credentialsProvider(pair(key.accessKeyId(), "x".repeat(40))))) {
            assertRefused(() -> converse(wrong), 403, "InvalidSignatureException", "signature we calculated does not match");
        }
    }

    @Test
    void anUnknownAccessKeyIsAnUnrecognizedClient() {
        try (BedrockRuntimeClient stranger = syncClient(b -> b.credentialsProvider(pair("QKIAAAAAAAAAAAAAAAAA", key.secretAccessKey())))) {
            assertRefused(() -> converse(stranger), 403, "UnrecognizedClientException", "security token included in the request is invalid");
        }
    }

    @Test
    void aSignatureMadeTenMinutesAgoHasExpired() {
        Clock tenMinutesSlow = Clock.offset(Clock.system(ZoneOffset.UTC), Duration.ofMinutes(-10));
        BedrockRuntimeAuthSchemeProvider defaults = BedrockRuntimeAuthSchemeProvider.defaultProvider();
        try (BedrockRuntimeClient stale = syncClient(b -> b.credentialsProvider(pair(key.accessKeyId(), key.secretAccessKey()))
                .authSchemeProvider(params -> defaults.resolveAuthScheme(params).stream()
                        .map(option -> option.toBuilder().putSignerProperty(AwsV4HttpSigner.SIGNING_CLOCK, tenMinutesSlow).build())
                        .toList()))) {
            assertRefused(() -> converse(stale), 403, "InvalidSignatureException", "Signature expired");
        }
    }

    @Test
    void aBodyChangedAfterSigningIsRefused() {
        try (BedrockRuntimeClient tampering = syncClient(b -> b.credentialsProvider(pair(key.accessKeyId(), key.secretAccessKey()))
                .httpClient(new BodyTampering(Apache5HttpClient.create(), "Hello", "Jello")))) {
            assertRefused(() -> converse(tampering), 403, "InvalidSignatureException", "signature we calculated does not match");
        }
    }

    private static ConverseResponse converse(BedrockRuntimeClient c) {
        return c.converse(r -> r.modelId("quarry/echo").messages(Message.builder().role("user").content(ContentBlock.fromText("Hello")).build()));
    }

    private static void assertRefused(Runnable call, int status, String errorCode, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(BedrockRuntimeException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(status);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(errorCode);
            assertThat(e.awsErrorDetails().errorMessage()).contains(message);
        });
    }

    private static String anthropicBody(String text) {
        return """
                {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 256, "messages": [{"role": "user", "content": "%s"}]}
                """.formatted(text);
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static StaticCredentialsProvider pair(String accessKeyId, String secret) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secret));
    }

    private static BedrockRuntimeClient syncClient(Consumer<BedrockRuntimeClientBuilder> auth) {
        BedrockRuntimeClientBuilder builder = pointedAtQuarry(BedrockRuntimeClient.builder());
        auth.accept(builder);
        return builder.build();
    }

    /** Pointed at Quarry, in a region of the client's choosing, without retries so a refusal is seen as sent. */
    private static <B extends BedrockRuntimeBaseClientBuilder<B, ?>> B pointedAtQuarry(B builder) {
        return builder.endpointOverride(URI.create(quarry.baseUrl()))
                .region(Region.EU_WEST_3)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    }

    /** An HTTP client that changes the body after the SDK signed it, keeping its length. */
    private record BodyTampering(SdkHttpClient delegate, String from, String to) implements SdkHttpClient {
        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            byte[] body = request.contentStreamProvider().map(p -> {
                try {
                    return p.newStream().readAllBytes();
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }).orElseThrow();
            byte[] changed = new String(body, StandardCharsets.UTF_8).replace(from, to).getBytes(StandardCharsets.UTF_8);
            return delegate.prepareRequest(HttpExecuteRequest.builder().request(request.httpRequest())
                    .contentStreamProvider(() -> new ByteArrayInputStream(changed)).build());
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
