package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.Metadata;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.Tool;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.quarry.identity.IssuedKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.testing.SplittingChatUpstream;
import dev.quarry.testing.TestQuarry;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.Message;

/**
 * Every field of a request that reaches a provider is guarded, through each surface's official
 * SDK: the OpenAI {@code user}, stop sequences, tool descriptions and parameter schemas,
 * {@code response_format} schemas and image URLs; Anthropic system blocks, {@code metadata} and
 * tool definitions; Bedrock tool specs, stop sequences and {@code requestMetadata}; and a card
 * number split across content parts or messages. A blocked request never reaches the upstream,
 * which counts what it is sent; an anonymised one arrives with its placeholders.
 */
class GuardrailCoverageTest {
    private static final String BLOCKED = "That request cannot be sent.";
    /** Luhn-valid Visa number, not one of the published test numbers. */
    private static final String CARD = "4539 1488 0343 6467";
    private static final String CARD_DIGITS = CARD.replace(" ", "");
    private static final String CLAUDE_ID = "anthropic.claude-sonnet-4-5-20250929-v1:0";

    private static SplittingChatUpstream upstream;
    private static TestQuarry quarry;
    private static OpenAIClient openai;
    private static AnthropicClient anthropic;
    private static BedrockRuntimeClient bedrock;

    @BeforeAll
    static void start() {
        upstream = SplittingChatUpstream.start(List.of("fine"));
        quarry = TestQuarry.start("""
                providers:
                  - { name: recorder, type: openai, api: chat_completions, base_url: "%s", api_key_env: STUB_KEY }
                models:
                  - { id: recorded, deployments: [{ provider: recorder, model: gpt-recorded }] }
                  - { id: "%s", deployments: [{ provider: recorder, model: gpt-recorded }] }
                guardrails:
                  - id: cover
                    name: cover
                    blockedInputMessaging: "%s"
                    blockedOutputsMessaging: "Withheld."
                    sensitiveInformationPolicyConfig:
                      piiEntitiesConfig:
                        - {type: CREDIT_DEBIT_CARD_NUMBER, action: BLOCK}
                        - {type: EMAIL, action: ANONYMIZE}
                default_guardrail: cover
                """.formatted(upstream.baseUrl(), CLAUDE_ID, BLOCKED), Map.of("STUB_KEY", "sk-stub"));
        openai = OpenAIOkHttpClient.builder().baseUrl(quarry.baseUrl() + "/v1").apiKey(quarry.newKey("cover-openai")).maxRetries(0).build();
        anthropic = AnthropicOkHttpClient.builder().baseUrl(quarry.baseUrl()).apiKey(quarry.newKey("cover-anthropic")).maxRetries(0).build();
        IssuedKey key = quarry.quarry().identities().createKey("cover-bedrock", PrincipalKind.USER);
        bedrock = BedrockRuntimeClient.builder().endpointOverride(URI.create(quarry.baseUrl())).region(Region.EU_WEST_3)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey())))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    @AfterAll
    static void stop() {
        openai.close();
        anthropic.close();
        bedrock.close();
        quarry.close();
        upstream.close();
    }

    // ---- OpenAI Chat Completions

    @Test
    void theOpenAiUserFieldIsChecked() {
        assertBlocked(() -> openaiText(ask().user("customer " + CARD_DIGITS)));
    }

    @Test
    void anEmailInTheOpenAiUserFieldReachesTheUpstreamAnonymised() {
        assertThat(openaiText(ask().user("ann@example.com"))).isEqualTo("fine");
        assertThat(lastBody().path("user").asText()).isEqualTo("{EMAIL}");
    }

    @Test
    void openAiStopSequencesAreChecked() {
        assertBlocked(() -> openaiText(ask().stop(CARD)));
    }

    @Test
    void anOpenAiToolDescriptionIsChecked() {
        assertBlocked(() -> openaiText(ask().addFunctionTool(FunctionDefinition.builder().name("pay")
                .description("Charges the card " + CARD).parameters(objectSchema(Map.of())).build())));
    }

    @Test
    void enumsAndDefaultsOfAnOpenAiToolsParametersAreChecked() {
        assertBlocked(() -> openaiText(ask().addFunctionTool(FunctionDefinition.builder().name("pay").description("Charges a card")
                .parameters(objectSchema(Map.of("card", Map.of("type", "string", "enum", List.of(CARD_DIGITS))))).build())));
        assertBlocked(() -> openaiText(ask().addFunctionTool(FunctionDefinition.builder().name("pay").description("Charges a card")
                .parameters(objectSchema(Map.of("card", Map.of("type", "string", "default", CARD))))
                .build())));
    }

    @Test
    void anOpenAiResponseFormatSchemaIsChecked() {
        assertBlocked(() -> openaiText(ask().responseFormat(ResponseFormatJsonSchema.builder().jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                .name("reply").schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("examples", JsonValue.from(List.of(Map.of("card", CARD)))).build()).build()).build())));
    }

    @Test
    void theQueryOfAnImageUrlIsChecked() {
        assertBlocked(() -> openaiText(ChatCompletionCreateParams.builder().model("recorded").addUserMessageOfArrayOfContentParts(List.of(
                text("What is in this picture?"),
                ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder().imageUrl(ChatCompletionContentPartImage.ImageUrl.builder()
                        .url("https://images.example/receipt.png?card=" + CARD_DIGITS).build()).build())))));
    }

    @Test
    void aCardSplitAcrossTwoContentPartsIsBlocked() {
        assertBlocked(() -> openaiText(ChatCompletionCreateParams.builder().model("recorded")
                .addUserMessageOfArrayOfContentParts(List.of(text("Charge 4539 1488"), text("0343 6467 please")))));
        assertBlocked(() -> openaiText(ChatCompletionCreateParams.builder().model("recorded")
                .addUserMessageOfArrayOfContentParts(List.of(text("Charge 45391488"), text("03436467 please")))));
    }

    @Test
    void aCardSplitAcrossTwoMessagesIsBlocked() {
        assertBlocked(() -> openaiText(ChatCompletionCreateParams.builder().model("recorded")
                .addUserMessage("My card starts 4539 1488").addUserMessage("0343 6467 is the rest")));
    }

    @Test
    void anEmailSplitAcrossPartsReachesTheUpstreamAsOnePlaceholder() {
        assertThat(openaiText(ChatCompletionCreateParams.builder().model("recorded")
                .addUserMessageOfArrayOfContentParts(List.of(text("Write to ann@"), text("example.com today"))))).isEqualTo("fine");
        JsonNode content = lastBody().path("messages").get(0).path("content");
        assertThat(content.toString()).doesNotContain("example.com").doesNotContain("ann@");
        assertThat(content.findValuesAsText("text")).containsExactly("Write to {EMAIL}", " today");
    }

    // ---- Anthropic Messages

    @Test
    void anthropicMetadataIsChecked() {
        assertBlocked(() -> anthropicText(claude().metadata(Metadata.builder().userId("card-" + CARD_DIGITS).build())));
    }

    @Test
    void aCardSplitAcrossAnthropicSystemBlocksIsBlocked() {
        assertBlocked(() -> anthropicText(claude().systemOfTextBlockParams(List.of(TextBlockParam.builder().text("The card is 4539 1488").build(),
                TextBlockParam.builder().text("0343 6467; be brief.").build()))));
    }

    @Test
    void anthropicToolDefinitionsAreChecked() {
        assertBlocked(() -> anthropicText(claude().addTool(Tool.builder().name("pay").description("Charges " + CARD)
                .inputSchema(Tool.InputSchema.builder().build()).build())));
        assertBlocked(() -> anthropicText(claude().addTool(Tool.builder().name("pay").description("Charges a card")
                .inputSchema(Tool.InputSchema.builder().properties(Tool.InputSchema.Properties.builder()
                        .putAdditionalProperty("card", com.anthropic.core.JsonValue.from(Map.of("type", "string", "description", "e.g. " + CARD))).build())
                        .build()).build())));
    }

    @Test
    void aCardSplitAcrossAnthropicTextBlocksIsBlocked() {
        assertBlocked(() -> anthropicText(MessageCreateParams.builder().model("recorded").maxTokens(64).addUserMessageOfContentBlockParams(List.of(
                ContentBlockParam.ofText(TextBlockParam.builder().text("Card: 4539 1488 03").build()),
                ContentBlockParam.ofText(TextBlockParam.builder().text("43 6467").build())))));
    }

    // ---- Bedrock Converse

    @Test
    void bedrockToolSpecsAreChecked() {
        assertBlocked(() -> bedrockText(converse().toolConfig(t -> t.tools(software.amazon.awssdk.services.bedrockruntime.model.Tool.fromToolSpec(s -> s
                .name("pay").description("Charges a card")
                .inputSchema(i -> i.json(Document.mapBuilder().putString("type", "object").putDocument("properties", Document.mapBuilder()
                        .putDocument("card", Document.mapBuilder().putString("type", "string").putString("default", CARD).build()).build()).build())))))));
    }

    @Test
    void bedrockStopSequencesAndRequestMetadataAreChecked() {
        assertBlocked(() -> bedrockText(converse().inferenceConfig(c -> c.stopSequences(CARD))));
        assertBlocked(() -> bedrockText(converse().requestMetadata(Map.of("customer", CARD_DIGITS))));
    }

    @Test
    void aCardSplitAcrossBedrockContentBlocksAndMessagesIsBlocked() {
        assertBlocked(() -> bedrockText(ConverseRequest.builder().modelId(CLAUDE_ID).messages(Message.builder().role(ConversationRole.USER)
                .content(ContentBlock.fromText("Card 4539 1488"), ContentBlock.fromText("0343 6467")).build())));
        assertBlocked(() -> bedrockText(ConverseRequest.builder().modelId(CLAUDE_ID).messages(
                Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText("Card 4539 1488 0343")).build(),
                Message.builder().role(ConversationRole.ASSISTANT).content(ContentBlock.fromText("6467")).build(),
                Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText("Charge it")).build())));
    }

    // ----

    /** The answer is the guardrail's message, and the upstream was not called. */
    private static void assertBlocked(Supplier<String> call) {
        int before = upstream.requests();
        assertThat(call.get()).isEqualTo(BLOCKED);
        assertThat(upstream.requests()).as("the upstream was not called").isEqualTo(before);
    }

    private static JsonNode lastBody() {
        return upstream.served().getLast().body();
    }

    private static ChatCompletionCreateParams.Builder ask() {
        return ChatCompletionCreateParams.builder().model("recorded").addUserMessage("Hello there");
    }

    private static String openaiText(ChatCompletionCreateParams.Builder params) {
        return openai.chat().completions().create(params.build()).choices().getFirst().message().content().orElse("");
    }

    private static ChatCompletionContentPart text(String text) {
        return ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text(text).build());
    }

    private static FunctionParameters objectSchema(Map<String, Object> properties) {
        return FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(properties)).build();
    }

    private static MessageCreateParams.Builder claude() {
        return MessageCreateParams.builder().model("recorded").maxTokens(64).addUserMessage("Hello there");
    }

    private static String anthropicText(MessageCreateParams.Builder params) {
        return anthropic.messages().create(params.build()).content().getFirst().asText().text();
    }

    private static ConverseRequest.Builder converse() {
        return ConverseRequest.builder().modelId(CLAUDE_ID)
                .messages(Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText("Hello there")).build());
    }

    private static String bedrockText(ConverseRequest.Builder request) {
        return bedrock.converse(request.build()).output().message().content().getFirst().text();
    }
}
