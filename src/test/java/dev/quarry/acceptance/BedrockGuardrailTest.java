package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.identity.IssuedKey;
import dev.quarry.identity.PrincipalKind;
import dev.quarry.metering.UsageRecord;
import dev.quarry.testing.TestQuarry;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeBaseClientBuilder;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClientBuilder;
import software.amazon.awssdk.services.bedrockruntime.auth.scheme.BedrockRuntimeAuthSchemeProvider;
import software.amazon.awssdk.services.bedrockruntime.model.AccessDeniedException;
import software.amazon.awssdk.services.bedrockruntime.model.ApplyGuardrailResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailAction;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailAssessment;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailContentSource;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailCustomWord;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailPiiEntityFilter;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailPiiEntityType;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailRegexFilter;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailSensitiveInformationPolicyAction;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailStreamProcessingMode;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailTextBlock;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailWordPolicyAction;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelResponse;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelWithResponseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailTrace;
import software.amazon.awssdk.services.bedrockruntime.model.StopReason;

/**
 * Guardrails through the AWS SDK for Java v2 Bedrock Runtime clients, unmodified, signing with
 * Quarry access key pairs: ApplyGuardrail on a config-defined guardrail, Converse and
 * ConverseStream with {@code guardrailConfig}, InvokeModel with the guardrail headers, and the
 * refusals (unknown guardrail or version, no permission) as the SDK's own exceptions.
 */
class BedrockGuardrailTest {
    private static final String CLAUDE_ID = "anthropic.claude-sonnet-4-5-20250929-v1:0";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Luhn-valid Visa number, not one of the published test numbers. */
    private static final String CARD = "4539 1488 0343 6467";
    private static final String EMAIL = "john.doe@example.org";
    private static final String BLOCKED_INPUT = "Sorry, I can't help with that request.";
    private static final String BLOCKED_OUTPUT = "Sorry, the answer was withheld.";
    private static final String OUTBOUND_BLOCKED = "The answer held a card number and was withheld.";
    private static final String STRICT_ARN = "arn:aws:bedrock:eu-west-3:123456789012:guardrail/strict";

    static TestQuarry quarry;
    static IssuedKey user;
    static IssuedKey outsider;
    static BedrockRuntimeClient client;
    static BedrockRuntimeAsyncClient asyncClient;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start("""
                models: [{ id: "%s", deployments: [{ provider: quarry-echo, model: echo }] }]
                guardrails:
                  - id: strict
                    name: strict
                    blockedInputMessaging: "%s"
                    blockedOutputsMessaging: "%s"
                    sensitiveInformationPolicyConfig:
                      piiEntitiesConfig:
                        - {type: CREDIT_DEBIT_CARD_NUMBER, action: BLOCK}
                        - {type: EMAIL, action: ANONYMIZE}
                      regexesConfig:
                        - {name: order-id, pattern: "ORD-[0-9]{6}", action: ANONYMIZE}
                    wordPolicyConfig:
                      wordsConfig: [{text: "project nightjar"}]
                  - id: outbound
                    name: outbound
                    description: "Lets card numbers into the prompt, never out of the answer."
                    blockedInputMessaging: "Outbound input blocked."
                    blockedOutputsMessaging: "%s"
                    sensitiveInformationPolicyConfig:
                      piiEntitiesConfig:
                        - {type: CREDIT_DEBIT_CARD_NUMBER, action: BLOCK, inputAction: NONE}
                  - id: advice
                    name: advice
                    blockedInputMessaging: "No investment advice here."
                    blockedOutputsMessaging: "Withheld."
                    topicPolicyConfig:
                      topicsConfig:
                        - name: Investment advice
                          definition: "Recommending which stocks, funds or other assets a person should buy, sell or hold."
                          examples: ["Which stocks should I buy this year?", "Should I sell my index fund now?"]
                          type: DENY
                    sensitiveInformationPolicyConfig:
                      piiEntitiesConfig: [{type: EMAIL, action: ANONYMIZE}]
                      placeholders: NUMBERED
                """.formatted(CLAUDE_ID, BLOCKED_INPUT, BLOCKED_OUTPUT, OUTBOUND_BLOCKED), Map.of());
        user = quarry.quarry().identities().createKey("guardrail-user", PrincipalKind.USER);
        outsider = quarry.quarry().identities().createKey("guardrail-outsider", PrincipalKind.USER);
        quarry.admin("PUT", "/admin/policies/GuardrailUse", """
                {"Version": "2012-10-17", "Statement": [
                  {"Sid": "ApplyAll", "Effect": "Allow", "Action": "quarry:ApplyGuardrail", "Resource": "guardrail/*"}]}""").expect(200);
        quarry.admin("POST", "/admin/policies/GuardrailUse/attachments", "{\"target_type\": \"principal\", \"target_name\": \"guardrail-user\"}").expect(200);
        client = syncClient(b -> b.credentialsProvider(pair(user)));
        asyncClient = pointedAtQuarry(BedrockRuntimeAsyncClient.builder()).credentialsProvider(pair(user)).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        asyncClient.close();
        quarry.close();
    }

    // ---- ApplyGuardrail ----

    @Test
    void anEmailIsAnonymizedAndReportedWithItsMatch() {
        String text = "Please write to " + EMAIL + " about my refund.";
        ApplyGuardrailResponse r = apply("strict", "1", GuardrailContentSource.INPUT, text);

        assertThat(r.action()).isEqualTo(GuardrailAction.GUARDRAIL_INTERVENED);
        assertThat(r.outputs()).hasSize(1);
        assertThat(r.outputs().getFirst().text()).isEqualTo("Please write to {EMAIL} about my refund.").doesNotContain(EMAIL);
        assertThat(r.assessments()).hasSize(1);
        List<GuardrailPiiEntityFilter> pii = r.assessments().getFirst().sensitiveInformationPolicy().piiEntities();
        assertThat(pii).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(GuardrailPiiEntityType.EMAIL);
            assertThat(e.action()).isEqualTo(GuardrailSensitiveInformationPolicyAction.ANONYMIZED);
            assertThat(e.match()).isEqualTo(EMAIL);
            assertThat(e.detected()).isTrue();
        });
        assertThat(r.guardrailCoverage().textCharacters().guarded()).isEqualTo(text.length());
        assertThat(r.guardrailCoverage().textCharacters().total()).isEqualTo(text.length());
    }

    @Test
    void aCardNumberIsBlockedWithTheInputMessage() {
        ApplyGuardrailResponse r = apply("strict", "1", GuardrailContentSource.INPUT, "My card is " + CARD + ", charge it.");

        assertThat(r.action()).isEqualTo(GuardrailAction.GUARDRAIL_INTERVENED);
        assertThat(r.outputs()).singleElement().satisfies(o -> assertThat(o.text()).isEqualTo(BLOCKED_INPUT));
        assertThat(r.assessments().getFirst().sensitiveInformationPolicy().piiEntities()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(GuardrailPiiEntityType.CREDIT_DEBIT_CARD_NUMBER);
            assertThat(e.action()).isEqualTo(GuardrailSensitiveInformationPolicyAction.BLOCKED);
            assertThat(e.match()).isEqualTo(CARD);
        });
    }

    @Test
    void aCleanTextPassesWithActionNone() {
        ApplyGuardrailResponse r = apply("strict", "1", GuardrailContentSource.INPUT, "What are your opening hours on Saturday?");

        assertThat(r.action()).isEqualTo(GuardrailAction.NONE);
        assertThat(r.outputs()).isEmpty();
        GuardrailAssessment a = r.assessments().getFirst();
        assertThat(a.sensitiveInformationPolicy()).isNull();
        assertThat(a.wordPolicy()).isNull();
    }

    @Test
    void onOutputTheOutputsMessageIsUsed() {
        ApplyGuardrailResponse r = apply("strict", "1", GuardrailContentSource.OUTPUT, "Your card on file is " + CARD + ".");

        assertThat(r.action()).isEqualTo(GuardrailAction.GUARDRAIL_INTERVENED);
        assertThat(r.outputs()).singleElement().satisfies(o -> assertThat(o.text()).isEqualTo(BLOCKED_OUTPUT));
    }

    @Test
    void usageIsReportedInTextUnitsPerPolicyTheGuardrailHas() {
        // 2,499 characters: three text units of 1,000.
        String text = "a".repeat(2_490) + " x@y.org!";
        ApplyGuardrailResponse r = apply("strict", "1", GuardrailContentSource.INPUT, text);

        assertThat(r.usage().sensitiveInformationPolicyUnits()).isGreaterThanOrEqualTo(1).isEqualTo(3);
        assertThat(r.usage().wordPolicyUnits()).isEqualTo(3);
        assertThat(r.usage().topicPolicyUnits()).isZero();
        assertThat(r.usage().contentPolicyUnits()).isZero();
        assertThat(r.usage().contextualGroundingPolicyUnits()).isZero();
        assertThat(r.assessments().getFirst().invocationMetrics().usage().sensitiveInformationPolicyUnits()).isEqualTo(3);
        assertThat(r.assessments().getFirst().invocationMetrics().guardrailProcessingLatency()).isNotNegative();

        ApplyGuardrailResponse small = apply("strict", "1", GuardrailContentSource.INPUT, "hi");
        assertThat(small.usage().sensitiveInformationPolicyUnits()).isEqualTo(1);
    }

    @Test
    void aCustomWordIsBlockedWhateverItsCase() {
        ApplyGuardrailResponse r = apply("strict", "1", GuardrailContentSource.INPUT, "What is the status of Project Nightjar?");

        assertThat(r.action()).isEqualTo(GuardrailAction.GUARDRAIL_INTERVENED);
        assertThat(r.outputs()).singleElement().satisfies(o -> assertThat(o.text()).isEqualTo(BLOCKED_INPUT));
        List<GuardrailCustomWord> words = r.assessments().getFirst().wordPolicy().customWords();
        assertThat(words).singleElement().satisfies(w -> {
            assertThat(w.match()).isEqualToIgnoringCase("project nightjar");
            assertThat(w.action()).isEqualTo(GuardrailWordPolicyAction.BLOCKED);
            assertThat(w.detected()).isTrue();
        });
    }

    @Test
    void aCustomRegexIsAnonymizedUnderItsName() {
        ApplyGuardrailResponse r = apply("strict", "1", GuardrailContentSource.INPUT, "Where is my parcel ORD-123456?");

        assertThat(r.action()).isEqualTo(GuardrailAction.GUARDRAIL_INTERVENED);
        assertThat(r.outputs().getFirst().text()).isEqualTo("Where is my parcel {order-id}?");
        List<GuardrailRegexFilter> regexes = r.assessments().getFirst().sensitiveInformationPolicy().regexes();
        assertThat(regexes).singleElement().satisfies(x -> {
            assertThat(x.name()).isEqualTo("order-id");
            assertThat(x.match()).isEqualTo("ORD-123456");
            assertThat(x.regex()).isEqualTo("ORD-[0-9]{6}");
            assertThat(x.action()).isEqualTo(GuardrailSensitiveInformationPolicyAction.ANONYMIZED);
        });
    }

    @Test
    void theDraftIsAVersionToo() {
        assertThat(apply("strict", "DRAFT", GuardrailContentSource.INPUT, "mail " + EMAIL).outputs().getFirst().text()).isEqualTo("mail {EMAIL}");
    }

    /** The SDK percent-encodes the ARN's '/' into the path segment of the guardrail identifier. */
    @Test
    void applyGuardrailAcceptsAGuardrailArn() {
        assertThat(apply(STRICT_ARN, "1", GuardrailContentSource.INPUT, "mail " + EMAIL).outputs().getFirst().text()).isEqualTo("mail {EMAIL}");
    }

    @Test
    void converseAcceptsAGuardrailArn() {
        ConverseResponse response = client.converse(r -> r.modelId("quarry/echo").messages(user("card " + CARD))
                .guardrailConfig(g -> g.guardrailIdentifier(STRICT_ARN).guardrailVersion("1")));
        assertThat(response.stopReason()).isEqualTo(StopReason.GUARDRAIL_INTERVENED);
    }

    @Test
    void aBedrockApiKeyMayApplyAGuardrail() {
        String apiKey = quarry.quarry().identities().createKey("guardrail-bearer", PrincipalKind.USER).apiKey();
        quarry.admin("POST", "/admin/policies/GuardrailUse/attachments", "{\"target_type\": \"principal\", \"target_name\": \"guardrail-bearer\"}").expect(200);
        try (BedrockRuntimeClient bearer = syncClient(b -> b.tokenProvider(StaticTokenProvider.create(() -> apiKey))
                .authSchemeProvider(BedrockRuntimeAuthSchemeProvider.defaultProvider(List.of("httpBearerAuth"))))) {
            ApplyGuardrailResponse r = bearer.applyGuardrail(a -> a.guardrailIdentifier("strict").guardrailVersion("1")
                    .source(GuardrailContentSource.INPUT).content(text("card " + CARD)));
            assertThat(r.action()).isEqualTo(GuardrailAction.GUARDRAIL_INTERVENED);
            assertThat(r.outputs().getFirst().text()).isEqualTo(BLOCKED_INPUT);
        }
    }

    // ---- Converse, ConverseStream, InvokeModel ----

    @Test
    void converseWithABlockedPromptAnswersTheMessageAndUsesNothing() {
        ConverseResponse response = client.converse(r -> r.modelId("quarry/echo")
                .messages(user("Please charge my card " + CARD + " for the order."))
                .guardrailConfig(g -> g.guardrailIdentifier("strict").guardrailVersion("1")));

        assertThat(response.stopReason()).isEqualTo(StopReason.GUARDRAIL_INTERVENED);
        assertThat(response.output().message().role().toString()).isEqualTo("assistant");
        assertThat(response.output().message().content()).singleElement().satisfies(b -> assertThat(b.text()).isEqualTo(BLOCKED_INPUT));
        assertThat(response.usage().inputTokens()).isZero();
        assertThat(response.usage().outputTokens()).isZero();
        assertThat(response.usage().totalTokens()).isZero();
        assertThat(response.sdkHttpResponse().firstMatchingHeader("X-Quarry-Guardrail-Blocked-By")).hasValue("sensitiveInformationPolicy");

        UsageRecord record = awaitLedger("guardrail-user", r -> "INPUT_BLOCKED".equals(r.guarding().action()));
        assertThat(record.guarding().guardrail()).isEqualTo("strict:1");
        assertThat(record.usage().totalTokens()).isZero();
    }

    @Test
    void converseWithAnEmailSendsThePlaceholderToTheModel() {
        ConverseResponse response = client.converse(r -> r.modelId("quarry/echo")
                .messages(user("Contact me at " + EMAIL + " please"))
                .guardrailConfig(g -> g.guardrailIdentifier("strict").guardrailVersion("1")));

        // The echo model repeats what it was sent: the prompt as anonymised on its way in.
        assertThat(response.output().message().content().getFirst().text()).isEqualTo("You said: Contact me at {EMAIL} please");
        assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
        assertThat(response.usage().outputTokens()).isPositive();
        assertThat(response.sdkHttpResponse().firstMatchingHeader("X-Quarry-Guardrail-Blocked-By")).as("anonymised, not blocked").isEmpty();
    }

    @Test
    void theTraceIsReturnedToTheCallerThatAsksForItWhoeverAskedBefore() {
        for (GuardrailTrace asked : List.of(GuardrailTrace.DISABLED, GuardrailTrace.ENABLED, GuardrailTrace.DISABLED)) {
            ConverseResponse response = client.converse(r -> r.modelId("quarry/echo")
                    .messages(user("Contact me at " + EMAIL + " please"))
                    .guardrailConfig(g -> g.guardrailIdentifier("strict").guardrailVersion("1").trace(asked)));
            if (asked == GuardrailTrace.DISABLED) {
                assertThat(response.trace()).isNull();
                continue;
            }
            var input = response.trace().guardrail().inputAssessment().get("strict");
            assertThat(input.sensitiveInformationPolicy().piiEntities()).singleElement().satisfies(e -> {
                assertThat(e.typeAsString()).isEqualTo("EMAIL");
                assertThat(e.actionAsString()).isEqualTo("ANONYMIZED");
            });
            assertThat(response.trace().guardrail().outputAssessments().get("strict")).hasSize(1);
        }
    }

    @Test
    void converseWithACleanPromptIsUntouched() {
        ConverseResponse response = client.converse(r -> r.modelId("quarry/echo")
                .messages(user("Hello there"))
                .guardrailConfig(g -> g.guardrailIdentifier("strict").guardrailVersion("1")));

        assertThat(response.output().message().content().getFirst().text()).isEqualTo("You said: Hello there");
        assertThat(response.stopReason()).isEqualTo(StopReason.END_TURN);
    }

    @Test
    void converseAnswerWithACardIsWithheldOnOutput() {
        // 'outbound' lets the card into the prompt (inputAction NONE); the echo answer repeats it and is blocked.
        ConverseResponse response = client.converse(r -> r.modelId("quarry/echo")
                .messages(user("card " + CARD))
                .guardrailConfig(g -> g.guardrailIdentifier("outbound").guardrailVersion("1")));

        assertThat(response.stopReason()).isEqualTo(StopReason.GUARDRAIL_INTERVENED);
        String text = response.output().message().content().stream().map(ContentBlock::text).reduce("", String::concat);
        assertThat(text).isEqualTo(OUTBOUND_BLOCKED).doesNotContain("6467");
        assertThat(response.sdkHttpResponse().firstMatchingHeader("X-Quarry-Guardrail-Blocked-By")).hasValue("sensitiveInformationPolicy");
    }

    @Test
    void converseStreamWithABlockedPromptStopsWithGuardrailIntervened() throws Exception {
        Streamed s = converseStream("strict", "Store my card " + CARD + " please", GuardrailStreamProcessingMode.SYNC);

        assertThat(s.events().getFirst()).isEqualTo("messageStart");
        assertThat(s.events()).containsSubsequence("contentBlockDelta", "messageStop", "metadata");
        assertThat(s.stop()[0]).isEqualTo(StopReason.GUARDRAIL_INTERVENED);
        assertThat(s.text().toString()).isEqualTo(BLOCKED_INPUT);
    }

    @Test
    void converseStreamAnswerWithACardEndsWithTheOutputsMessage() throws Exception {
        Streamed s = converseStream("outbound", "card " + CARD, GuardrailStreamProcessingMode.ASYNC);

        assertThat(s.stop()[0]).isEqualTo(StopReason.GUARDRAIL_INTERVENED);
        assertThat(s.text().toString()).endsWith(OUTBOUND_BLOCKED).doesNotContain("6467").doesNotContain("4539");
    }

    @Test
    void invokeModelWithTheGuardrailHeadersAnswersTheBlockedMessage() throws IOException {
        InvokeModelResponse response = client.invokeModel(r -> r.modelId(CLAUDE_ID).contentType("application/json").accept("application/json")
                .guardrailIdentifier("strict").guardrailVersion("1")
                .body(SdkBytes.fromUtf8String(anthropicBody("Pay with " + CARD + " now"))));

        JsonNode message = JSON.readTree(response.body().asUtf8String());
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("content").get(0).path("text").asText()).isEqualTo(BLOCKED_INPUT);
        assertThat(message.toString()).doesNotContain("6467");
        assertThat(response.sdkHttpResponse().firstMatchingHeader("X-Quarry-Guardrail-Action")).contains("INTERVENED");
        assertThat(response.sdkHttpResponse().firstMatchingHeader("X-Quarry-Guardrail")).contains("strict:1");
        assertThat(response.sdkHttpResponse().firstMatchingHeader("X-Quarry-Guardrail-Blocked-By")).hasValue("sensitiveInformationPolicy");

        InvokeModelResponse anonymised = client.invokeModel(r -> r.modelId(CLAUDE_ID).contentType("application/json")
                .guardrailIdentifier("strict").guardrailVersion("1")
                .body(SdkBytes.fromUtf8String(anthropicBody("Mail " + EMAIL))));
        assertThat(JSON.readTree(anonymised.body().asUtf8String()).path("content").get(0).path("text").asText()).isEqualTo("You said: Mail {EMAIL}");
        assertThat(anonymised.sdkHttpResponse().firstMatchingHeader("X-Quarry-Guardrail-Action")).contains("INTERVENED");
        assertThat(anonymised.sdkHttpResponse().firstMatchingHeader("X-Quarry-Guardrail-Blocked-By")).as("anonymised, not blocked").isEmpty();
    }

    @Test
    void invokeModelWithResponseStreamAndTheGuardrailHeadersStreamsTheBlockedMessage() throws Exception {
        var text = new StringBuffer();
        var types = new CopyOnWriteArrayList<String>();
        InvokeModelWithResponseStreamResponseHandler handler = InvokeModelWithResponseStreamResponseHandler.builder()
                .subscriber(InvokeModelWithResponseStreamResponseHandler.Visitor.builder().onChunk(chunk -> {
                    JsonNode event;
                    try {
                        event = JSON.readTree(chunk.bytes().asUtf8String());
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                    types.add(event.path("type").asText());
                    if (event.path("type").asText().equals("content_block_delta")) text.append(event.path("delta").path("text").asText());
                }).build())
                .build();

        asyncClient.invokeModelWithResponseStream(r -> r.modelId(CLAUDE_ID).contentType("application/json")
                .guardrailIdentifier("strict").guardrailVersion("1")
                .body(SdkBytes.fromUtf8String(anthropicBody("Pay with " + CARD + " now"))), handler).get(30, TimeUnit.SECONDS);

        assertThat(types).containsSubsequence("message_start", "content_block_delta", "message_stop");
        assertThat(text.toString()).isEqualTo(BLOCKED_INPUT);
    }

    // ---- refusals ----

    @Test
    void anUnknownGuardrailIsAResourceNotFound() {
        assertThatThrownBy(() -> apply("no-such-guardrail", "1", GuardrailContentSource.INPUT, "hi"))
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorMessage()).contains("no-such-guardrail");
                });
        assertThatThrownBy(() -> client.converse(r -> r.modelId("quarry/echo").messages(user("hi"))
                .guardrailConfig(g -> g.guardrailIdentifier("no-such-guardrail").guardrailVersion("1"))))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void anUnknownVersionIsAResourceNotFound() {
        assertThatThrownBy(() -> apply("strict", "7", GuardrailContentSource.INPUT, "hi"))
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorMessage()).contains("no version 7");
                });
        assertThatThrownBy(() -> client.converse(r -> r.modelId("quarry/echo").messages(user("hi"))
                .guardrailConfig(g -> g.guardrailIdentifier("strict").guardrailVersion("7"))))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void aCallerWithoutApplyGuardrailPermissionIsAccessDenied() {
        try (BedrockRuntimeClient denied = syncClient(b -> b.credentialsProvider(pair(outsider)))) {
            assertThatThrownBy(() -> denied.applyGuardrail(a -> a.guardrailIdentifier("strict").guardrailVersion("1")
                    .source(GuardrailContentSource.INPUT).content(text("hi"))))
                    .isInstanceOfSatisfying(AccessDeniedException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorMessage()).contains("quarry:ApplyGuardrail");
                    });
        }
    }

    /** Guardrail ids are case-insensitive when resolved, so the policy must see the id resolved, not as typed. */
    @Test
    void aDenyOnAGuardrailCannotBeSidesteppedByChangingTheIdsCase() {
        IssuedKey limited = quarry.quarry().identities().createKey("guardrail-limited", PrincipalKind.USER);
        quarry.admin("POST", "/admin/policies/GuardrailUse/attachments", "{\"target_type\": \"principal\", \"target_name\": \"guardrail-limited\"}").expect(200);
        quarry.admin("PUT", "/admin/policies/NoStrict", """
                {"Version": "2012-10-17", "Statement": [
                  {"Sid": "NotStrict", "Effect": "Deny", "Action": "quarry:ApplyGuardrail", "Resource": "guardrail/strict"}]}""").expect(200);
        quarry.admin("POST", "/admin/policies/NoStrict/attachments", "{\"target_type\": \"principal\", \"target_name\": \"guardrail-limited\"}").expect(200);
        try (BedrockRuntimeClient c = syncClient(b -> b.credentialsProvider(pair(limited)))) {
            assertThat(c.applyGuardrail(a -> a.guardrailIdentifier("outbound").guardrailVersion("1").source(GuardrailContentSource.INPUT)
                    .content(text("hi"))).action()).isEqualTo(GuardrailAction.NONE);
            for (String id : List.of("strict", "STRICT", "Strict")) {
                assertThatThrownBy(() -> c.applyGuardrail(a -> a.guardrailIdentifier(id).guardrailVersion("1")
                        .source(GuardrailContentSource.INPUT).content(text("hi"))))
                        .as("guardrail id " + id).isInstanceOf(AccessDeniedException.class);
            }
        }
    }

    /** A signed call's region is a condition key of ApplyGuardrail too: it is read from the signature's scope, as for a model call. */
    @Test
    void aRegionConditionDecidesASignedApplyGuardrail() {
        IssuedKey regional = quarry.quarry().identities().createKey("guardrail-regional", PrincipalKind.USER);
        quarry.admin("PUT", "/admin/policies/GuardrailsInParis", """
                {"Version": "2012-10-17", "Statement": [
                  {"Sid": "ParisOnly", "Effect": "Allow", "Action": "quarry:ApplyGuardrail", "Resource": "guardrail/*",
                   "Condition": {"StringEquals": {"quarry:RequestedRegion": "eu-west-3"}}}]}""").expect(200);
        quarry.admin("POST", "/admin/policies/GuardrailsInParis/attachments", "{\"target_type\": \"principal\", \"target_name\": \"guardrail-regional\"}")
                .expect(200);
        try (BedrockRuntimeClient paris = syncClient(b -> b.credentialsProvider(pair(regional)));
             BedrockRuntimeClient virginia = syncClient(b -> b.credentialsProvider(pair(regional)).region(Region.US_EAST_1))) {
            assertThat(paris.applyGuardrail(a -> a.guardrailIdentifier("strict").guardrailVersion("1").source(GuardrailContentSource.INPUT)
                    .content(text("hi"))).action()).isEqualTo(GuardrailAction.NONE);
            assertThatThrownBy(() -> virginia.applyGuardrail(a -> a.guardrailIdentifier("strict").guardrailVersion("1")
                    .source(GuardrailContentSource.INPUT).content(text("hi"))))
                    .isInstanceOfSatisfying(AccessDeniedException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
                            .contains("quarry:ApplyGuardrail on guardrail/strict"));
        }
    }

    // ---- helpers ----

    private record Streamed(List<String> events, StringBuffer text, StopReason[] stop) {}

    private static Streamed converseStream(String guardrail, String prompt, GuardrailStreamProcessingMode mode) throws Exception {
        var events = new CopyOnWriteArrayList<String>();
        var text = new StringBuffer();
        var stop = new StopReason[1];
        ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
                .subscriber(ConverseStreamResponseHandler.Visitor.builder()
                        .onMessageStart(e -> events.add("messageStart"))
                        .onContentBlockStart(e -> events.add("contentBlockStart"))
                        .onContentBlockDelta(e -> {
                            events.add("contentBlockDelta");
                            if (e.delta().text() != null) text.append(e.delta().text());
                        })
                        .onContentBlockStop(e -> events.add("contentBlockStop"))
                        .onMessageStop(e -> {
                            events.add("messageStop");
                            stop[0] = e.stopReason();
                        })
                        .onMetadata(e -> events.add("metadata"))
                        .build())
                .build();
        asyncClient.converseStream(ConverseStreamRequest.builder().modelId("quarry/echo").messages(user(prompt))
                .guardrailConfig(g -> g.guardrailIdentifier(guardrail).guardrailVersion("1").streamProcessingMode(mode))
                .build(), handler).get(30, TimeUnit.SECONDS);
        return new Streamed(events, text, stop);
    }

    @Test
    void aDeniedTopicIsBlockedByItsMeaningAndANeighbouringQuestionIsNot() {
        ApplyGuardrailResponse advice = apply("advice", "1", GuardrailContentSource.INPUT,
                "I just got a bonus. Tell me which shares to put it into so it grows fastest.");
        assertThat(advice.action()).isEqualTo(GuardrailAction.GUARDRAIL_INTERVENED);
        assertThat(advice.outputs()).singleElement().satisfies(o -> assertThat(o.text()).isEqualTo("No investment advice here."));
        assertThat(advice.assessments().getFirst().topicPolicy().topics()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("Investment advice");
            assertThat(t.actionAsString()).isEqualTo("BLOCKED");
        });
        assertThat(advice.usage().topicPolicyUnits()).isEqualTo(1);

        ApplyGuardrailResponse unrelated = apply("advice", "1", GuardrailContentSource.INPUT, "Can you draft a short thank-you note to my team?");
        assertThat(unrelated.action()).isEqualTo(GuardrailAction.NONE);
    }

    @Test
    void numberedPlaceholdersKeepTheSameValueUnderTheSameNumber() {
        ApplyGuardrailResponse r = apply("advice", "1", GuardrailContentSource.INPUT,
                "ann@example.com wrote to bob@example.com; reply to ann@example.com");
        assertThat(r.outputs()).singleElement().satisfies(o -> assertThat(o.text()).isEqualTo("{EMAIL_1} wrote to {EMAIL_2}; reply to {EMAIL_1}"));
    }

    private static ApplyGuardrailResponse apply(String id, String version, GuardrailContentSource source, String text) {
        return client.applyGuardrail(r -> r.guardrailIdentifier(id).guardrailVersion(version).source(source).content(text(text)));
    }

    private static GuardrailContentBlock text(String text) {
        return GuardrailContentBlock.fromText(GuardrailTextBlock.builder().text(text).build());
    }

    private static Message user(String text) {
        return Message.builder().role("user").content(ContentBlock.fromText(text)).build();
    }

    private static String anthropicBody(String text) {
        return """
                {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 256, "messages": [{"role": "user", "content": "%s"}]}
                """.formatted(text);
    }

    /** The principal's ledger record that matches, waiting briefly: records are written behind the request. */
    private static UsageRecord awaitLedger(String principal, java.util.function.Predicate<UsageRecord> match) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            Optional<UsageRecord> found = quarry.ledgerFor(principal, 50).stream().filter(match).findFirst();
            if (found.isPresent()) return found.get();
            if (System.nanoTime() > deadline) throw new AssertionError("no matching ledger record for " + principal);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static StaticCredentialsProvider pair(IssuedKey key) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(key.accessKeyId(), key.secretAccessKey()));
    }

    private static BedrockRuntimeClient syncClient(Consumer<BedrockRuntimeClientBuilder> auth) {
        BedrockRuntimeClientBuilder builder = pointedAtQuarry(BedrockRuntimeClient.builder());
        auth.accept(builder);
        return builder.build();
    }

    private static <B extends BedrockRuntimeBaseClientBuilder<B, ?>> B pointedAtQuarry(B builder) {
        return builder.endpointOverride(URI.create(quarry.baseUrl()))
                .region(Region.EU_WEST_3)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    }
}
