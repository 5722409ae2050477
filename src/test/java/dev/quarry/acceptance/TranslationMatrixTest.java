package dev.quarry.acceptance;

import static dev.quarry.provider.UpstreamScript.answer;
import static dev.quarry.provider.UpstreamScript.text;
import static dev.quarry.provider.UpstreamScript.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.quarry.identity.IssuedKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.provider.UpstreamScript;
import dev.quarry.provider.anthropic.AnthropicStub;
import dev.quarry.provider.azure.AzureOpenAiStub;
import dev.quarry.provider.bedrock.BedrockStub;
import dev.quarry.provider.gemini.GeminiStub;
import dev.quarry.provider.openai.OpenAiStub;
import dev.quarry.testing.TestQuarry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;

/**
 * Any client, any model: every surface (each driven by its official SDK) against every provider
 * type (each a stub speaking that upstream's exact wire format), for a streamed text answer and
 * for a tool call. A cell fails if a translation in either direction loses or bends anything.
 */
class TranslationMatrixTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ARGUMENTS = "{\"city\":\"Paris\",\"days\":2}";

    enum Surface { OPENAI_CHAT, OPENAI_RESPONSES, ANTHROPIC_MESSAGES, BEDROCK_CONVERSE }

    /** A provider type, the model deployed on it, and how its stub is told what to answer. */
    enum Upstream { OPENAI_CHAT_API, OPENAI_RESPONSES_API, ANTHROPIC, GEMINI, AZURE_OPENAI, BEDROCK }

    static OpenAiStub openai;
    static AnthropicStub anthropic;
    static GeminiStub gemini;
    static AzureOpenAiStub azure;
    static BedrockStub bedrock;
    static TestQuarry quarry;
    static IssuedKey matrixKey;
    static OpenAIClient openaiClient;
    static AnthropicClient anthropicClient;
    static BedrockRuntimeClient bedrockClient;
    static BedrockRuntimeAsyncClient bedrockAsync;

    @BeforeAll
    static void start() {
        openai = OpenAiStub.start();
        anthropic = new AnthropicStub();
        gemini = new GeminiStub();
        azure = new AzureOpenAiStub();
        bedrock = new BedrockStub();
        Map<String, String> env = new HashMap<>(BedrockStub.credentials());
        env.putAll(Map.of("OPENAI_KEY", "sk-openai", "ANTHROPIC_KEY", "sk-ant", "GEMINI_KEY", "AIza-gemini", "AZURE_KEY", "azure-key"));
        quarry = TestQuarry.start("""
                providers:
                  - { name: up-openai-chat, type: openai-compatible, base_url: "%s", api: chat_completions }
                  - { name: up-openai-responses, type: openai, base_url: "%s", api_key_env: OPENAI_KEY, api: responses }
                  - { name: up-anthropic, type: anthropic, base_url: "%s", api_key_env: ANTHROPIC_KEY }
                  - { name: up-gemini, type: gemini, base_url: "%s", api_key_env: GEMINI_KEY }
                  - { name: up-azure, type: azure-openai, base_url: "%s", api_key_env: AZURE_KEY }
                  - { name: up-bedrock, type: bedrock, base_url: "%s", region: us-east-1 }
                models:
                  - { id: m-openai_chat_api, deployments: [{ provider: up-openai-chat, model: gpt-upstream }] }
                  - { id: m-openai_responses_api, deployments: [{ provider: up-openai-responses, model: gpt-upstream }] }
                  - { id: m-anthropic, deployments: [{ provider: up-anthropic, model: claude-upstream }] }
                  - { id: m-gemini, deployments: [{ provider: up-gemini, model: gemini-upstream }] }
                  - { id: m-azure_openai, deployments: [{ provider: up-azure, model: azure-deployment }] }
                  - { id: m-bedrock, deployments: [{ provider: up-bedrock, model: "us.anthropic.claude-sonnet-4-5-20250929-v1:0" }] }
                """.formatted(openai.baseUrl(), openai.baseUrl(), anthropic.baseUrl(), gemini.baseUrl(), azure.baseUrl(),
                bedrock.baseUrl()), env);
        IssuedKey key = quarry.quarry().identities().createKey("matrix", PrincipalKind.USER);
        matrixKey = key;
        openaiClient = OpenAIOkHttpClient.builder().baseUrl(quarry.baseUrl() + "/v1").apiKey(key.apiKey()).maxRetries(0).build();
        anthropicClient = AnthropicOkHttpClient.builder().baseUrl(quarry.baseUrl()).apiKey(key.apiKey()).maxRetries(0).build();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey()));
        bedrockClient = BedrockRuntimeClient.builder().endpointOverride(URI.create(quarry.baseUrl())).region(Region.US_EAST_1)
                .credentialsProvider(credentials).overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none())).build();
        bedrockAsync = BedrockRuntimeAsyncClient.builder().endpointOverride(URI.create(quarry.baseUrl())).region(Region.US_EAST_1)
                .credentialsProvider(credentials).overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none())).build();
    }

    @AfterAll
    static void stop() {
        openaiClient.close();
        anthropicClient.close();
        bedrockClient.close();
        bedrockAsync.close();
        quarry.close();
        for (AutoCloseable stub : List.<AutoCloseable>of(openai, anthropic, gemini, azure, bedrock)) {
            try {
                stub.close();
            } catch (Exception ignored) {
                // a stub that will not close cannot fail the matrix
            }
        }
    }

    static Stream<Arguments> grid() {
        return Stream.of(Surface.values()).flatMap(s -> Stream.of(Upstream.values()).map(u -> Arguments.of(s, u)));
    }

    @ParameterizedTest(name = "{0} client ← {1} upstream: streamed text")
    @MethodSource("grid")
    void streamedTextArrivesWhole(Surface surface, Upstream upstream) throws Exception {
        String expected = "Bonjour from " + upstream + ", streamed in pieces";
        script(upstream, answer(text(expected)));
        assertThat(streamText(surface, model(upstream), "Say hello")).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} client ← {1} upstream: tool call")
    @MethodSource("grid")
    void aToolCallArrivesWithItsArguments(Surface surface, Upstream upstream) throws Exception {
        script(upstream, answer(toolCall("call_42", "get_weather", ARGUMENTS)));
        ToolCall call = callTool(surface, model(upstream), "What is the weather in Paris?");
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(JSON.readTree(call.arguments())).isEqualTo(JSON.readTree(ARGUMENTS));
    }

    /**
     * Codex's apply_patch is a free-form (custom) tool: on every upstream the Responses client gets
     * a custom_tool_call carrying the patch as raw text, whether the upstream has custom tools
     * (OpenAI Responses) or Quarry sent it as a function taking one string.
     */
    @ParameterizedTest(name = "OPENAI_RESPONSES client ← {0} upstream: custom tool call, streamed {1}")
    @MethodSource("customToolGrid")
    void aCustomToolCallArrivesWithItsRawInput(Upstream upstream, boolean streamed) throws Exception {
        String patch = "*** Begin Patch\n*** Add File: a.txt\n+\"hi\" \\o/\n*** End Patch";
        if (upstream == Upstream.OPENAI_RESPONSES_API) {
            openai.then(OpenAiStub.answer(OpenAiStub.customToolCall("call_p", "apply_patch", patch)));
        } else {
            script(upstream, answer(toolCall("call_p", "apply_patch", JSON.createObjectNode().put("input", patch).toString())));
        }
        var body = JSON.createObjectNode().put("model", model(upstream)).put("input", "Add a.txt").put("stream", streamed);
        body.putArray("tools").addObject().put("type", "custom").put("name", "apply_patch").put("description", "Edits files.")
                .putObject("format").put("type", "grammar").put("syntax", "lark").put("definition", "start: begin_patch hunk+ end_patch");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/v1/responses"))
                .header("Authorization", "Bearer " + matrixKey.apiKey()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

        JsonNode item;
        if (streamed) {
            var deltas = new StringBuilder();
            JsonNode done = null;
            for (String line : response.body().split("\n")) {
                if (!line.startsWith("data: ")) continue;
                JsonNode event = JSON.readTree(line.substring("data: ".length()));
                if (event.path("type").asText().equals("response.custom_tool_call_input.delta")) deltas.append(event.path("delta").asText());
                if (event.path("type").asText().equals("response.output_item.done") && event.path("item").path("type").asText().equals("custom_tool_call")) {
                    done = event.path("item");
                }
            }
            assertThat(deltas.toString()).isEqualTo(patch);
            item = done;
        } else {
            item = null;
            // Upstreams that reason (Gemini's thought signatures) put a reasoning item first.
            for (JsonNode output : JSON.readTree(response.body()).path("output")) {
                if (output.path("type").asText().equals("custom_tool_call")) item = output;
            }
        }
        assertThat(item).as(response.body()).isNotNull();
        assertThat(item.path("name").asText()).isEqualTo("apply_patch");
        assertThat(item.path("call_id").asText()).isEqualTo("call_p");
        assertThat(item.path("input").asText()).isEqualTo(patch);
    }

    /**
     * Chat Completions nests a custom tool's grammar under {@code grammar}; a Responses upstream must
     * get it in its own form, with syntax and definition beside the type.
     */
    @Test
    void aChatCompletionsGrammarReachesAResponsesUpstreamInTheResponsesForm() throws Exception {
        openai.then(OpenAiStub.answer(OpenAiStub.text("ok")));
        var body = JSON.createObjectNode().put("model", model(Upstream.OPENAI_RESPONSES_API));
        body.putArray("messages").addObject().put("role", "user").put("content", "Add a.txt");
        ObjectNode format = body.putArray("tools").addObject().put("type", "custom").putObject("custom").put("name", "apply_patch")
                .putObject("format").put("type", "grammar");
        format.putObject("grammar").put("syntax", "lark").put("definition", "start: \"*** Begin Patch\" LF");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(quarry.baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + matrixKey.apiKey()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

        assertThat(openai.lastRequest().body().path("tools").get(0).path("format")).isEqualTo(JSON.readTree(
                "{\"type\":\"grammar\",\"syntax\":\"lark\",\"definition\":\"start: \\\"*** Begin Patch\\\" LF\"}"));
    }

    static Stream<Arguments> customToolGrid() {
        return Stream.of(Upstream.values()).flatMap(u -> Stream.of(Arguments.of(u, false), Arguments.of(u, true)));
    }

    private static String model(Upstream upstream) {
        return "m-" + upstream.name().toLowerCase();
    }

    private static void script(Upstream upstream, UpstreamScript.Answer script) {
        switch (upstream) {
            case OPENAI_CHAT_API, OPENAI_RESPONSES_API -> openai.then(script);
            case ANTHROPIC -> anthropic.then(script);
            case GEMINI -> gemini.then(script);
            case AZURE_OPENAI -> azure.then(script);
            case BEDROCK -> bedrock.then(script);
        }
    }

    record ToolCall(String name, String arguments) {}

    private static String streamText(Surface surface, String model, String prompt) throws Exception {
        var text = new StringBuilder();
        switch (surface) {
            case OPENAI_CHAT -> {
                try (StreamResponse<ChatCompletionChunk> stream = openaiClient.chat().completions().createStreaming(
                        ChatCompletionCreateParams.builder().model(model).addUserMessage(prompt).build())) {
                    stream.stream().flatMap(c -> c.choices().stream()).forEach(c -> text.append(c.delta().content().orElse("")));
                }
            }
            case OPENAI_RESPONSES -> {
                try (StreamResponse<ResponseStreamEvent> stream = openaiClient.responses().createStreaming(
                        ResponseCreateParams.builder().model(model).input(prompt).build())) {
                    stream.stream().filter(ResponseStreamEvent::isOutputTextDelta).forEach(e -> text.append(e.asOutputTextDelta().delta()));
                }
            }
            case ANTHROPIC_MESSAGES -> {
                MessageAccumulator accumulator = MessageAccumulator.create();
                try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> stream = anthropicClient.messages().createStreaming(
                        MessageCreateParams.builder().model(model).maxTokens(256).addUserMessage(prompt).build())) {
                    stream.stream().forEach(accumulator::accumulate);
                }
                accumulator.message().content().forEach(b -> b.text().ifPresent(t -> text.append(t.text())));
            }
            case BEDROCK_CONVERSE -> bedrockAsync.converseStream(ConverseStreamRequest.builder().modelId(model).messages(user(prompt)).build(),
                    ConverseStreamResponseHandler.builder().subscriber(ConverseStreamResponseHandler.Visitor.builder()
                            .onContentBlockDelta(e -> text.append(e.delta().text() == null ? "" : e.delta().text())).build()).build())
                    .get(30, TimeUnit.SECONDS);
        }
        return text.toString();
    }

    private static ToolCall callTool(Surface surface, String model, String prompt) {
        return switch (surface) {
            case OPENAI_CHAT -> {
                var call = openaiClient.chat().completions().create(ChatCompletionCreateParams.builder().model(model).addUserMessage(prompt)
                                .addFunctionTool(FunctionDefinition.builder().name("get_weather").parameters(FunctionParameters.builder()
                                        .putAdditionalProperty("type", JsonValue.from("object"))
                                        .putAdditionalProperty("properties", JsonValue.from(weatherProperties())).build()).build())
                                .build())
                        .choices().getFirst().message().toolCalls().orElseThrow().getFirst().asFunction().function();
                yield new ToolCall(call.name(), call.arguments());
            }
            case OPENAI_RESPONSES -> {
                var call = openaiClient.responses().create(ResponseCreateParams.builder().model(model).input(prompt)
                                .addTool(FunctionTool.builder().name("get_weather").strict(false).parameters(FunctionTool.Parameters.builder()
                                        .putAdditionalProperty("type", JsonValue.from("object"))
                                        .putAdditionalProperty("properties", JsonValue.from(weatherProperties())).build()).build())
                                .build())
                        .output().stream().filter(item -> item.isFunctionCall()).findFirst().orElseThrow().asFunctionCall();
                yield new ToolCall(call.name(), call.arguments());
            }
            case ANTHROPIC_MESSAGES -> {
                ToolUseBlock use = anthropicClient.messages().create(MessageCreateParams.builder().model(model).maxTokens(256)
                                .addUserMessage(prompt)
                                .addTool(com.anthropic.models.messages.Tool.builder().name("get_weather")
                                        .inputSchema(com.anthropic.models.messages.Tool.InputSchema.builder()
                                                .properties(com.anthropic.core.JsonValue.from(weatherProperties())).build()).build())
                                .build())
                        .content().stream().filter(b -> b.isToolUse()).findFirst().orElseThrow().asToolUse();
                yield new ToolCall(use.name(), JSON.valueToTree(use._input().convert(Map.class)).toString());
            }
            case BEDROCK_CONVERSE -> {
                Consumer<software.amazon.awssdk.services.bedrockruntime.model.ToolConfiguration.Builder> tools = t -> t.tools(Tool.fromToolSpec(s -> s
                        .name("get_weather").inputSchema(i -> i.json(Document.mapBuilder().putString("type", "object").build()))));
                var use = bedrockClient.converse(r -> r.modelId(model).messages(user(prompt)).toolConfig(tools))
                        .output().message().content().stream().filter(b -> b.toolUse() != null).findFirst().orElseThrow().toolUse();
                yield new ToolCall(use.name(), documentJson(use.input()));
            }
        };
    }

    private static Map<String, Object> weatherProperties() {
        return Map.of("city", Map.of("type", "string"), "days", Map.of("type", "integer"));
    }

    private static Message user(String text) {
        return Message.builder().role("user").content(ContentBlock.fromText(text)).build();
    }

    /** A Bedrock tool input as JSON text; the SDK's Document keeps numbers as SdkNumber, which Jackson cannot see through. */
    private static String documentJson(Document document) {
        return toJson(document).toString();
    }

    private static JsonNode toJson(Document d) {
        if (d.isNull()) return JSON.nullNode();
        if (d.isBoolean()) return JSON.getNodeFactory().booleanNode(d.asBoolean());
        if (d.isNumber()) return JSON.getNodeFactory().numberNode(d.asNumber().bigDecimalValue());
        if (d.isString()) return JSON.getNodeFactory().textNode(d.asString());
        if (d.isList()) {
            var array = JSON.createArrayNode();
            d.asList().forEach(item -> array.add(toJson(item)));
            return array;
        }
        var object = JSON.createObjectNode();
        d.asMap().forEach((key, value) -> object.set(key, toJson(value)));
        return object;
    }
}
