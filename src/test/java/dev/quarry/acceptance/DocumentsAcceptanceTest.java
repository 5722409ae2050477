package dev.quarry.acceptance;

import static dev.quarry.provider.UpstreamScript.answer;
import static dev.quarry.provider.UpstreamScript.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.DocumentBlockParam;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseInputContent;
import com.openai.models.responses.ResponseInputFile;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseInputText;
import dev.quarry.identity.IssuedKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.provider.ProviderContractTest.UpstreamFailure;
import dev.quarry.provider.ScriptedStub;
import dev.quarry.provider.UpstreamScript;
import dev.quarry.provider.anthropic.AnthropicStub;
import dev.quarry.provider.bedrock.BedrockStub;
import dev.quarry.provider.gemini.GeminiStub;
import dev.quarry.provider.openai.OpenAiStub;
import dev.quarry.testing.JsonCalls;
import dev.quarry.testing.TestQuarry;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.DocumentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.DocumentFormat;
import software.amazon.awssdk.services.bedrockruntime.model.DocumentSource;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/**
 * A small real PDF through each client surface (driven by its official SDK) to each provider that
 * takes documents (a stub speaking that upstream's exact wire format): the stub must receive the
 * very bytes the client sent, in the upstream's own document form. Models and providers that
 * cannot take a document refuse it with a 400 in the client's protocol that names the model and
 * what to do instead; bad documents are refused before anything leaves.
 */
class DocumentsAcceptanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] PDF = tinyPdf("Quarterly revenue rose 12 percent.");
    private static final String PDF_BASE64 = Base64.getEncoder().encodeToString(PDF);
    private static final String QUESTION = "What does the document say?";

    enum Surface { OPENAI_CHAT, OPENAI_RESPONSES, ANTHROPIC_MESSAGES, BEDROCK_CONVERSE }

    /** A provider that takes PDFs, the built-in model (with DOCUMENTS) deployed on it, and where its stub finds the document. */
    enum Upstream {
        OPENAI_CHAT_API("gpt-5.5"), OPENAI_RESPONSES_API("gpt-5.4"), ANTHROPIC("claude-sonnet-4-5"), GEMINI("gemini-2.5-pro"),
        BEDROCK("nova-pro");

        final String model;

        Upstream(String model) {
            this.model = model;
        }
    }

    static OpenAiStub openai;
    static AnthropicStub anthropic;
    static GeminiStub gemini;
    static BedrockStub bedrock;
    static TestQuarry quarry;
    static IssuedKey key;
    static OpenAIClient openaiClient;
    static AnthropicClient anthropicClient;
    static BedrockRuntimeClient bedrockClient;

    @BeforeAll
    static void start() {
        openai = OpenAiStub.start();
        anthropic = new AnthropicStub();
        gemini = new GeminiStub();
        bedrock = new BedrockStub();
        Map<String, String> env = new HashMap<>(BedrockStub.credentials());
        env.putAll(Map.of("OPENAI_KEY", "sk-openai", "ANTHROPIC_KEY", "sk-ant", "GEMINI_KEY", "AIza-gemini"));
        quarry = TestQuarry.start("""
                guardrails:
                  - id: cards
                    name: cards
                    blockedInputMessaging: "Not with card numbers, please."
                    blockedOutputsMessaging: "Withheld."
                    sensitiveInformationPolicyConfig:
                      piiEntitiesConfig: [{type: CREDIT_DEBIT_CARD_NUMBER, action: BLOCK}]
                  - id: emails
                    name: emails
                    blockedInputMessaging: "Blocked."
                    blockedOutputsMessaging: "Withheld."
                    sensitiveInformationPolicyConfig:
                      piiEntitiesConfig: [{type: EMAIL, action: ANONYMIZE}]
                providers:
                  - { name: up-openai-chat, type: openai, base_url: "%1$s", api_key_env: OPENAI_KEY, api: chat_completions }
                  - { name: up-openai-responses, type: openai, base_url: "%1$s", api_key_env: OPENAI_KEY, api: responses }
                  - { name: up-anthropic, type: anthropic, base_url: "%2$s", api_key_env: ANTHROPIC_KEY }
                  - { name: up-gemini, type: gemini, base_url: "%3$s", api_key_env: GEMINI_KEY }
                  - { name: up-bedrock, type: bedrock, base_url: "%4$s", region: us-east-1 }
                models:
                  - { id: gpt-5.5, deployments: [{ provider: up-openai-chat, model: gpt-upstream }] }
                  - { id: gpt-5.4, deployments: [{ provider: up-openai-responses, model: gpt-upstream }] }
                  - { id: claude-sonnet-4-5, deployments: [{ provider: up-anthropic, model: claude-upstream }] }
                  - { id: gemini-2.5-pro, deployments: [{ provider: up-gemini, model: gemini-upstream }] }
                  - { id: nova-pro, deployments: [{ provider: up-bedrock, model: "amazon.nova-pro-v1:0" }] }
                  - { id: plain-model, deployments: [{ provider: up-openai-chat, model: plain-upstream }] }
                  - { id: reader-model, capabilities: [documents], deployments: [{ provider: up-openai-chat, model: reader-upstream }] }
                  - id: gemini-2.5-flash
                    deployments: [{ provider: up-gemini, model: gemini-flash-upstream }]
                    routing: { fallbacks: [quarry/echo, claude-haiku-4-5] }
                  # Windows of 200,000 tokens: a one-page PDF over Bedrock's 4.5 MB is reserved as 95 pages (one per 50 KB),
                  # 285,000 tokens, but judged as the one page it has when it comes to fitting the window.
                  - { id: claude-haiku-4-5, deployments: [{ provider: up-anthropic, model: claude-haiku-upstream }] }
                  - id: claude-opus-4-5
                    deployments:
                      - { provider: up-bedrock, model: claude-opus-on-bedrock }
                      - { provider: up-anthropic, model: claude-opus-upstream }
                  - id: nova-lite
                    deployments: [{ provider: up-bedrock, model: "amazon.nova-lite-v1:0" }]
                    routing: { fallbacks: [claude-haiku-4-5] }
                routing: { attempts_per_model: 1, initial_backoff_ms: 1, max_backoff_ms: 2 }
                """.formatted(openai.baseUrl(), anthropic.baseUrl(), gemini.baseUrl(), bedrock.baseUrl()), env);
        key = quarry.quarry().identities().createKey("documents", PrincipalKind.USER);
        openaiClient = OpenAIOkHttpClient.builder().baseUrl(quarry.baseUrl() + "/v1").apiKey(key.apiKey()).maxRetries(0).build();
        anthropicClient = AnthropicOkHttpClient.builder().baseUrl(quarry.baseUrl()).apiKey(key.apiKey()).maxRetries(0).build();
        bedrockClient = BedrockRuntimeClient.builder().endpointOverride(URI.create(quarry.baseUrl())).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey())))
                .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none())).build();
    }

    @AfterAll
    static void stop() {
        openaiClient.close();
        anthropicClient.close();
        bedrockClient.close();
        quarry.close();
        openai.close();
        anthropic.close();
        gemini.close();
        bedrock.close();
    }

    static Stream<Arguments> grid() {
        return Stream.of(Surface.values()).flatMap(s -> Stream.of(Upstream.values()).map(u -> Arguments.of(s, u)));
    }

    @ParameterizedTest(name = "{0} client → {1} upstream: the PDF's bytes arrive unchanged")
    @MethodSource("grid")
    void aPdfReachesTheUpstreamByteForByte(Surface surface, Upstream upstream) {
        script(upstream);
        String answer = ask(surface, upstream.model, PDF, "quarterly-report");
        assertThat(answer).isEqualTo("Revenue rose.");

        Received received = received(upstream);
        assertThat(Base64.getDecoder().decode(received.base64())).isEqualTo(PDF);
        assertThat(received.mediaType()).isEqualTo("application/pdf");
        // OpenAI clients name the file, Anthropic and Converse clients give a title or a name. OpenAI upstreams read the type
        // from a file name's extension, Converse names may have none, and Gemini's inline data carries no name at all.
        boolean fileName = surface == Surface.OPENAI_CHAT || surface == Surface.OPENAI_RESPONSES;
        switch (upstream) {
            case OPENAI_CHAT_API, OPENAI_RESPONSES_API -> assertThat(received.name()).isEqualTo("quarterly-report.pdf");
            case ANTHROPIC -> assertThat(received.name()).isEqualTo(fileName ? "quarterly-report.pdf" : "quarterly-report");
            case BEDROCK -> assertThat(received.name()).isEqualTo("quarterly-report");
            case GEMINI -> assertThat(received.name()).isNull();
        }
        assertThat(received.question()).isEqualTo(QUESTION);
    }

    /** A failed model falls back past a model that cannot read the document to one that can. */
    @Test
    void aFallbackThatCannotReadDocumentsIsPassedOver() {
        gemini.then(new UpstreamScript.Failure(UpstreamFailure.SERVER_ERROR));
        anthropic.then(answer(text("Revenue rose.")));
        assertThat(ask(Surface.OPENAI_CHAT, "gemini-2.5-flash", PDF, "quarterly-report")).isEqualTo("Revenue rose.");
        assertThat(body(anthropic).path("model").asText()).isEqualTo("claude-haiku-upstream");
        assertThat(Base64.getDecoder().decode(received(Upstream.ANTHROPIC).base64())).isEqualTo(PDF);
    }

    /** InvokeModel with an Anthropic body is read by the Anthropic decoder, documents included. */
    @Test
    void anAnthropicBodyThroughInvokeModelCarriesItsDocument() throws Exception {
        anthropic.then(answer(text("Revenue rose.")));
        var body = JSON.createObjectNode().put("anthropic_version", "bedrock-2023-05-31").put("max_tokens", 64);
        var content = body.putArray("messages").addObject().put("role", "user").putArray("content");
        content.addObject().put("type", "document").put("title", "quarterly-report").putObject("source")
                .put("type", "base64").put("media_type", "application/pdf").put("data", PDF_BASE64);
        content.addObject().put("type", "text").put("text", QUESTION);
        var reply = bedrockClient.invokeModel(r -> r.modelId("claude-sonnet-4-5").contentType("application/json")
                .body(SdkBytes.fromUtf8String(body.toString())));
        assertThat(JSON.readTree(reply.body().asUtf8String()).path("content").get(0).path("text").asText()).isEqualTo("Revenue rose.");
        Received received = received(Upstream.ANTHROPIC);
        assertThat(Base64.getDecoder().decode(received.base64())).isEqualTo(PDF);
        assertThat(received.name()).isEqualTo("quarterly-report");
    }

    /** Guardrails read a text document as the user's words: they anonymise it in place, or block the request. */
    @Test
    void guardrailsReadTextDocuments() {
        anthropic.then(answer(text("Noted.")));
        anthropicClient.messages().create(textDocument("Contact: ann@example.com", "emails"));
        JsonNode document = part(body(anthropic).path("messages").get(0).path("content"), p -> p.path("type").asText().equals("document"));
        assertThat(document.path("source").path("type").asText()).isEqualTo("text");
        assertThat(document.path("source").path("data").asText()).doesNotContain("ann@example.com").contains("Contact: {EMAIL}");

        int before = anthropic.requests().size();
        var blocked = anthropicClient.messages().create(textDocument("Card: 4539 1488 0343 6467", "cards"));
        assertThat(blocked.content().getFirst().text().orElseThrow().text()).isEqualTo("Not with card numbers, please.");
        assertThat(anthropic.requests()).hasSize(before);
    }

    private static MessageCreateParams textDocument(String text, String guardrail) {
        return MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(64)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofText(QUESTION),
                        ContentBlockParam.ofDocument(DocumentBlockParam.builder().textSource(text).build())))
                .putAdditionalHeader("X-Quarry-Guardrail", guardrail).build();
    }

    @ParameterizedTest(name = "{0} client → quarry/echo: refused, naming the model and the alternative")
    @EnumSource(Surface.class)
    void aModelWithoutDocumentsRefusesOneInTheClientsProtocol(Surface surface) {
        assertRefused(surface, "quarry/echo", PDF, "Model 'quarry/echo' cannot read documents", "use a model whose catalog entry has DOCUMENTS");
    }

    @Test
    void aConfiguredModelThatDoesNotListDocumentsRefusesOneBeforeItsProviderIsCalled() {
        int before = openai.requests().size();
        assertRefused(Surface.OPENAI_CHAT, "plain-model", PDF, "Model 'plain-model' cannot read documents", "send the document's content as text");
        assertThat(openai.requests()).hasSize(before);
    }

    @Test
    void aConfiguredModelThatListsDocumentsTakesThem() {
        script(Upstream.OPENAI_CHAT_API);
        assertThat(ask(Surface.ANTHROPIC_MESSAGES, "reader-model", PDF, "quarterly-report")).isEqualTo("Revenue rose.");
        assertThat(Base64.getDecoder().decode(received(Upstream.OPENAI_CHAT_API).base64())).isEqualTo(PDF);
    }

    @Test
    void aFormatTheUpstreamCannotTakeIsRefusedNamingTheModelAndTheWayOut() {
        var docx = bedrockDocument(DocumentFormat.DOCX, "notes", "PK\u0003\u0004 not really a docx".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> bedrockClient.converse(r -> r.modelId("claude-sonnet-4-5").messages(user(docx))))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.getMessage())
                        .contains("Model 'claude-sonnet-4-5'", "Anthropic Messages", "docx document", "convert it to PDF"));

        var csv = JSON.createObjectNode().put("model", "gpt-5.5");
        var content = csv.putArray("input").addObject().put("role", "user").putArray("content");
        content.addObject().put("type", "input_text").put("text", QUESTION);
        content.addObject().put("type", "input_file").put("filename", "sales.csv")
                .put("file_data", "data:text/csv;base64," + Base64.getEncoder().encodeToString("month,sales\nMay,12\n".getBytes(StandardCharsets.UTF_8)));
        JsonNode error = quarry.call("POST", "/v1/responses", key.apiKey(), csv.toString()).expect(400).path("error");
        assertThat(error.path("message").asText()).contains("Model 'gpt-5.5'", "OpenAI Chat Completions", "csv document", "api: responses");
    }

    @Test
    void aDocumentOverBedrocksLimitIsRefusedNamingTheLimit() {
        byte[] large = new byte[4_718_592 + 1];
        System.arraycopy(PDF, 0, large, 0, PDF.length);
        var document = bedrockDocument(DocumentFormat.PDF, "large", large);
        assertThatThrownBy(() -> bedrockClient.converse(r -> r.modelId("nova-pro").messages(user(document))))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.getMessage()).contains("4718593 bytes", "at most 4718592"));

        // The same document from another surface reaches the Bedrock provider, which refuses it for the same limit.
        int before = bedrock.requests().size();
        assertRefused(Surface.OPENAI_CHAT, "nova-pro", large, "Model 'nova-pro'", "at most 4718592 bytes");
        assertThat(bedrock.requests()).hasSize(before);
    }

    /**
     * Claude on Bedrock takes documents of at most 4.5 MB, Claude on Anthropic 32 MiB: a larger one goes to the deployment
     * that can take it, or to a fallback model that can, instead of ending the request with the first one's refusal.
     */
    @Test
    void aDocumentOneDeploymentCannotTakeGoesToOneThatCan() {
        byte[] large = new byte[4_718_592 + 1];
        System.arraycopy(PDF, 0, large, 0, PDF.length);
        int before = bedrock.requests().size();

        anthropic.then(answer(text("Revenue rose.")));
        assertThat(ask(Surface.ANTHROPIC_MESSAGES, "claude-opus-4-5", large, "large")).isEqualTo("Revenue rose.");
        assertThat(body(anthropic).path("model").asText()).isEqualTo("claude-opus-upstream");
        assertThat(Base64.getDecoder().decode(received(Upstream.ANTHROPIC).base64())).isEqualTo(large);

        anthropic.then(answer(text("Revenue rose.")));
        assertThat(ask(Surface.OPENAI_CHAT, "nova-lite", large, "large")).isEqualTo("Revenue rose.");
        assertThat(body(anthropic).path("model").asText()).isEqualTo("claude-haiku-upstream");
        assertThat(bedrock.requests()).hasSize(before);
    }

    /**
     * Converse takes at most five documents in a message: a sixth goes to a deployment that takes more, and where none
     * does it is refused before anything leaves, rather than sent for Bedrock to refuse.
     */
    @Test
    void sixDocumentsInAMessageDoNotGoToConverse() {
        var body = JSON.createObjectNode().put("model", "claude-opus-4-5").put("max_tokens", 64);
        var content = body.putArray("messages").addObject().put("role", "user").putArray("content");
        for (int i = 1; i <= 6; i++) {
            content.addObject().put("type", "document").put("title", "part " + i).putObject("source")
                    .put("type", "base64").put("media_type", "application/pdf").put("data", PDF_BASE64);
        }
        content.addObject().put("type", "text").put("text", QUESTION);
        int before = bedrock.requests().size();

        anthropic.then(answer(text("Revenue rose.")));
        quarry.call("POST", "/v1/messages", key.apiKey(), body.toString()).expect(200);
        assertThat(body(anthropic).path("model").asText()).isEqualTo("claude-opus-upstream");

        body.put("model", "nova-pro");
        JsonNode error = quarry.call("POST", "/v1/messages", key.apiKey(), body.toString()).expect(400).path("error");
        assertThat(error.path("message").asText()).contains("Model 'nova-pro'", "Bedrock Converse", "at most 5 documents");
        assertThat(bedrock.requests()).hasSize(before);
    }

    @Test
    void badDocumentsAreRefusedNamingTheField() {
        assertChatRefused(file(b -> b.put("file_data", "data:application/pdf;base64,not base64!")), "messages[0].content[1].file.file_data",
                "base64");
        assertChatRefused(file(b -> b.put("file_data", "data:image/png;base64," + PDF_BASE64)), "messages[0].content[1].file.file_data",
                "must be a document type");
        assertChatRefused(file(b -> b.put("file_data", "https://example.com/report.pdf")), "messages[0].content[1].file.file_data",
                "data: URL");
        assertChatRefused(file(b -> b.put("file_id", "file-abc123")), "messages[0].content[1].file.file_id", "no Files API");
        assertChatRefused(file(b -> b.put("file_data", "data:text/csv;base64," + Base64.getEncoder().encodeToString(
                "name\nM\u00fcller\n".getBytes(StandardCharsets.ISO_8859_1)))), "messages[0].content[1].file.file_data", "UTF-8");
        assertChatRefused(file(b -> b.put("file_data", "data:application/pdf;base64," + PDF_BASE64).put("filename", "../../etc/passwd")),
                "messages[0].content[1].file.filename", "without path separators");
        assertChatRefused(file(b -> b.put("file_data", "data:application/pdf;base64," + PDF_BASE64).put("filename", "x".repeat(256))),
                "messages[0].content[1].file.filename", "at most 255 characters");

        var urlSource = JSON.createObjectNode().put("model", "claude-sonnet-4-5").put("max_tokens", 64);
        var block = urlSource.putArray("messages").addObject().put("role", "user").putArray("content").addObject().put("type", "document");
        block.putObject("source").put("type", "url").put("url", "https://example.com/report.pdf");
        JsonNode error = quarry.call("POST", "/v1/messages", key.apiKey(), urlSource.toString()).expect(400).path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).contains("'url'", "base64", "does not fetch URLs");
    }

    // --- driving each surface ------------------------------------------------------------------

    private static String ask(Surface surface, String model, byte[] pdf, String name) {
        String base64 = Base64.getEncoder().encodeToString(pdf);
        return switch (surface) {
            case OPENAI_CHAT -> openaiClient.chat().completions().create(ChatCompletionCreateParams.builder().model(model)
                            .addUserMessageOfArrayOfContentParts(List.of(
                                    ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text(QUESTION).build()),
                                    ChatCompletionContentPart.ofFile(ChatCompletionContentPart.File.builder().file(
                                            ChatCompletionContentPart.File.FileObject.builder().filename(name + ".pdf")
                                                    .fileData("data:application/pdf;base64," + base64).build()).build())))
                            .build())
                    .choices().getFirst().message().content().orElse("");
            case OPENAI_RESPONSES -> openaiClient.responses().create(ResponseCreateParams.builder().model(model)
                            .inputOfResponse(List.of(ResponseInputItem.ofMessage(ResponseInputItem.Message.builder()
                                    .role(ResponseInputItem.Message.Role.USER)
                                    .addContent(ResponseInputContent.ofInputText(ResponseInputText.builder().text(QUESTION).build()))
                                    .addContent(ResponseInputContent.ofInputFile(ResponseInputFile.builder().filename(name + ".pdf")
                                            .fileData("data:application/pdf;base64," + base64).build()))
                                    .build())))
                            .build())
                    .output().stream().filter(item -> item.isMessage()).flatMap(item -> item.asMessage().content().stream())
                    .map(c -> c.outputText().map(t -> t.text()).orElse("")).reduce("", String::concat);
            case ANTHROPIC_MESSAGES -> {
                var message = anthropicClient.messages().create(MessageCreateParams.builder().model(model).maxTokens(256)
                        .addUserMessageOfContentBlockParams(List.of(
                                ContentBlockParam.ofText(QUESTION),
                                ContentBlockParam.ofDocument(DocumentBlockParam.builder().base64Source(base64).title(name).build())))
                        .build());
                var text = new StringBuilder();
                message.content().forEach(b -> b.text().ifPresent(t -> text.append(t.text())));
                yield text.toString();
            }
            case BEDROCK_CONVERSE -> bedrockClient.converse(r -> r.modelId(model)
                            .messages(user(bedrockDocument(DocumentFormat.PDF, name, pdf))))
                    .output().message().content().getFirst().text();
        };
    }

    private static void assertRefused(Surface surface, String model, byte[] pdf, String... fragments) {
        assertThatThrownBy(() -> ask(surface, model, pdf, "report")).satisfies(e -> {
            switch (surface) {
                case OPENAI_CHAT, OPENAI_RESPONSES -> assertThat(e).isInstanceOf(com.openai.errors.BadRequestException.class);
                case ANTHROPIC_MESSAGES -> assertThat(e).isInstanceOf(com.anthropic.errors.BadRequestException.class);
                case BEDROCK_CONVERSE -> assertThat(e).isInstanceOf(ValidationException.class);
            }
            assertThat(e.getMessage()).contains(fragments);
        });
    }

    private static ContentBlock bedrockDocument(DocumentFormat format, String name, byte[] bytes) {
        return ContentBlock.fromDocument(DocumentBlock.builder().format(format).name(name)
                .source(DocumentSource.fromBytes(SdkBytes.fromByteArray(bytes))).build());
    }

    private static Message user(ContentBlock document) {
        return Message.builder().role("user").content(ContentBlock.fromText(QUESTION), document).build();
    }

    private static ObjectNode file(java.util.function.Consumer<ObjectNode> fields) {
        var body = JSON.createObjectNode().put("model", "gpt-5.5");
        var content = body.putArray("messages").addObject().put("role", "user").putArray("content");
        content.addObject().put("type", "text").put("text", QUESTION);
        fields.accept(content.addObject().put("type", "file").putObject("file"));
        return body;
    }

    private static void assertChatRefused(ObjectNode body, String param, String message) {
        JsonNode error = JsonCalls.send(quarry.baseUrl(), "POST", "/v1/chat/completions", key.apiKey(), body.toString()).expect(400).path("error");
        assertThat(error.path("param").asText()).isEqualTo(param);
        assertThat(error.path("message").asText()).contains(message);
    }

    // --- what each stub received ------------------------------------------------------------------

    record Received(String base64, String mediaType, String name, String question) {}

    private static void script(Upstream upstream) {
        switch (upstream) {
            case OPENAI_CHAT_API, OPENAI_RESPONSES_API -> openai.then(answer(text("Revenue rose.")));
            case ANTHROPIC -> anthropic.then(answer(text("Revenue rose.")));
            case GEMINI -> gemini.then(answer(text("Revenue rose.")));
            case BEDROCK -> bedrock.then(answer(text("Revenue rose.")));
        }
    }

    private static Received received(Upstream upstream) {
        return switch (upstream) {
            case OPENAI_CHAT_API -> {
                JsonNode content = openai.lastRequest().body().path("messages").get(0).path("content");
                JsonNode file = part(content, p -> p.path("type").asText().equals("file")).path("file");
                yield dataUrl(file.path("file_data").asText(), file.path("filename").asText(),
                        part(content, p -> p.path("type").asText().equals("text")).path("text").asText());
            }
            case OPENAI_RESPONSES_API -> {
                JsonNode content = openai.lastRequest().body().path("input").get(0).path("content");
                JsonNode file = part(content, p -> p.path("type").asText().equals("input_file"));
                yield dataUrl(file.path("file_data").asText(), file.path("filename").asText(),
                        part(content, p -> p.path("type").asText().equals("input_text")).path("text").asText());
            }
            case ANTHROPIC -> {
                JsonNode content = body(anthropic).path("messages").get(0).path("content");
                JsonNode document = part(content, p -> p.path("type").asText().equals("document"));
                assertThat(document.path("source").path("type").asText()).isEqualTo("base64");
                yield new Received(document.path("source").path("data").asText(), document.path("source").path("media_type").asText(),
                        document.path("title").asText(), part(content, p -> p.path("type").asText().equals("text")).path("text").asText());
            }
            case GEMINI -> {
                JsonNode parts = body(gemini).path("contents").get(0).path("parts");
                JsonNode inline = part(parts, p -> p.has("inlineData")).path("inlineData");
                yield new Received(inline.path("data").asText(), inline.path("mimeType").asText(), null,
                        part(parts, p -> p.has("text")).path("text").asText());
            }
            case BEDROCK -> {
                JsonNode content = body(bedrock).path("messages").get(0).path("content");
                JsonNode document = part(content, p -> p.has("document")).path("document");
                assertThat(document.path("format").asText()).isEqualTo("pdf");
                yield new Received(document.path("source").path("bytes").asText(), "application/pdf", document.path("name").asText(),
                        part(content, p -> p.has("text")).path("text").asText());
            }
        };
    }

    private static JsonNode body(ScriptedStub stub) {
        return stub.lastBody();
    }

    private static JsonNode part(JsonNode parts, java.util.function.Predicate<JsonNode> which) {
        List<JsonNode> found = new ArrayList<>();
        parts.forEach(p -> {
            if (which.test(p)) found.add(p);
        });
        assertThat(found).as(parts.toString()).hasSize(1);
        return found.getFirst();
    }

    private static Received dataUrl(String url, String name, String question) {
        assertThat(url).startsWith("data:");
        int mark = url.indexOf(";base64,");
        return new Received(url.substring(mark + ";base64,".length()), url.substring("data:".length(), mark), name, question);
    }

    /**
     * A one-page PDF that says {@code line}, with a correct cross-reference table: a real document
     * a PDF reader opens, small enough to keep the test fast.
     */
    private static byte[] tinyPdf(String line) {
        String stream = "BT /F1 12 Tf 72 720 Td (" + line + ") Tj ET";
        List<String> objects = List.of(
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
                "<< /Length " + stream.length() + " >>\nstream\n" + stream + "\nendstream",
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
        var out = new ByteArrayOutputStream();
        out.writeBytes("%PDF-1.4\n".getBytes(StandardCharsets.ISO_8859_1));
        List<Integer> offsets = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            offsets.add(out.size());
            out.writeBytes(((i + 1) + " 0 obj\n" + objects.get(i) + "\nendobj\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        int xref = out.size();
        var table = new StringBuilder("xref\n0 " + (objects.size() + 1) + "\n0000000000 65535 f \n");
        offsets.forEach(o -> table.append(String.format("%010d 00000 n \n", o)));
        table.append("trailer\n<< /Size ").append(objects.size() + 1).append(" /Root 1 0 R >>\nstartxref\n").append(xref).append("\n%%EOF\n");
        out.writeBytes(table.toString().getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }
}
