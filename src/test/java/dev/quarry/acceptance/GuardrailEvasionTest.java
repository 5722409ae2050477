package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.quarry.testing.TestQuarry;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PII in another alphabet, end to end through the OpenAI SDK: card numbers and SSNs written with
 * typographic spaces, other scripts' digits, invisible and full-width characters are blocked in
 * the prompt, a full-width "@" does not hide an e-mail address, and the same values in a streamed
 * answer (the echo model says the prompt back, 16 characters a delta) are replaced before any of
 * them reaches the client.
 */
class GuardrailEvasionTest {
    private static final String BLOCKED = "Not with those, please.";
    private static final String GUARDRAILS = """
            guardrails:
              - id: house
                name: house
                blockedInputMessaging: "%s"
                blockedOutputsMessaging: "Withheld."
                sensitiveInformationPolicyConfig:
                  piiEntitiesConfig:
                    - {type: CREDIT_DEBIT_CARD_NUMBER, action: BLOCK}
                    - {type: US_SOCIAL_SECURITY_NUMBER, action: BLOCK}
                    - {type: EMAIL, action: ANONYMIZE}
              - id: answers
                name: answers
                blockedInputMessaging: "Blocked."
                blockedOutputsMessaging: "Withheld."
                sensitiveInformationPolicyConfig:
                  piiEntitiesConfig:
                    - {type: CREDIT_DEBIT_CARD_NUMBER, action: ANONYMIZE, inputEnabled: false}
                    - {type: EMAIL, action: ANONYMIZE, inputEnabled: false}
            default_guardrail: house
            """.formatted(BLOCKED);

    private static TestQuarry quarry;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start(GUARDRAILS, Map.of());
        client = OpenAIOkHttpClient.builder().baseUrl(quarry.baseUrl() + "/v1").apiKey(quarry.newKey("evader")).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        quarry.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "4539\u00A01488\u00A00343\u00A06467",            // no-break spaces
            "4539  1488-0343.6467",                          // mixed separators
            "4539\u200B1488\u200B0343\u00AD6467",            // zero-width space, soft hyphen
            "٤٥٣٩ ١٤٨٨ ٠٣٤٣ ٦٤٦٧",                           // Arabic-Indic digits
            "４５３９ １４８８ ０３４３ ６４６７",                // full-width digits
            "𝟒𝟓𝟑𝟗 𝟏𝟒𝟖𝟖 𝟎𝟑𝟒𝟑 𝟔𝟒𝟔𝟕",                           // mathematical digits
            "SSN 219.46.3308",                               // an SSN with dots
            "SSN ２１９－４６－３３０８"})                        // ... in full width
    void aDisguisedNumberInThePromptIsBlocked(String value) {
        ChatCompletion answer = client.chat().completions().create(ChatCompletionCreateParams.builder().model("quarry/echo")
                .addUserMessage("Please keep this safe: " + value).build());
        assertThat(answer.choices().getFirst().message().content()).hasValue(BLOCKED);
        assertThat(answer.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.CONTENT_FILTER);
    }

    @Test
    void aFullWidthAtSignDoesNotHideAnAddress() {
        ChatCompletion answer = client.chat().completions().create(ChatCompletionCreateParams.builder().model("quarry/echo")
                .addUserMessage("Mail alice＠exa\u200Bmple.com about it").build());
        assertThat(answer.choices().getFirst().message().content()).hasValue("You said: Mail {EMAIL} about it");
    }

    @Test
    void disguisedValuesInAStreamedAnswerAreReplacedBeforeAnyOfThemLeaves() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("quarry/echo")
                .addUserMessage("Card ４５３９ １４\u200B８８\u00A0٠٣٤٣\u2011𝟔𝟒𝟔𝟕, mail bob＠example.org, and that is all for today.")
                .putAdditionalHeader("X-Quarry-Guardrail", "answers").build();
        StringBuilder text = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        }
        assertThat(text).hasToString("You said: Card {CREDIT_DEBIT_CARD_NUMBER}, mail {EMAIL}, and that is all for today.");
    }
}
