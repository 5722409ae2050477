package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.quarry.config.ConfigException;
import dev.quarry.testing.TestQuarry;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code default_guardrail}: every chat request that names no guardrail runs under the configured one. */
class DefaultGuardrailTest {
    private static final String GUARDRAILS = """
            guardrails:
              - id: house
                name: house
                blockedInputMessaging: "Not with card numbers, please."
                blockedOutputsMessaging: "Withheld."
                sensitiveInformationPolicyConfig:
                  piiEntitiesConfig: [{type: CREDIT_DEBIT_CARD_NUMBER, action: BLOCK}]
              - id: lenient
                name: lenient
                blockedInputMessaging: "Blocked."
                blockedOutputsMessaging: "Withheld."
                sensitiveInformationPolicyConfig:
                  piiEntitiesConfig: [{type: EMAIL, action: ANONYMIZE}]
            """;
    private static final String CARD = "4539 1488 0343 6467";

    private static TestQuarry quarry;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        quarry = TestQuarry.start(GUARDRAILS + "default_guardrail: house\n", Map.of());
        client = OpenAIOkHttpClient.builder().baseUrl(quarry.baseUrl() + "/v1").apiKey(quarry.newKey("defaulted")).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        quarry.close();
    }

    @Test
    void aRequestThatNamesNoGuardrailRunsUnderTheDefault() {
        ChatCompletion answer = client.chat().completions().create(ChatCompletionCreateParams.builder().model("quarry/echo")
                .addUserMessage("Charge " + CARD + " please").build());
        assertThat(answer.choices().getFirst().message().content()).hasValue("Not with card numbers, please.");
        assertThat(answer.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.CONTENT_FILTER);
    }

    @Test
    void aRequestThatNamesAnotherGuardrailRunsUnderThatOne() {
        ChatCompletion answer = client.chat().completions().create(ChatCompletionCreateParams.builder().model("quarry/echo")
                .addUserMessage("Charge " + CARD + " please").putAdditionalHeader("X-Quarry-Guardrail", "lenient").build());
        assertThat(answer.choices().getFirst().message().content()).hasValue("You said: Charge " + CARD + " please");
    }

    @Test
    void embeddingsAreNotChatAndAreLeftAlone() {
        assertThat(client.embeddings().create(EmbeddingCreateParams.builder().model("quarry/minilm").input("card " + CARD).build())
                .data()).hasSize(1);
    }

    @Test
    void aDefaultThatDoesNotExistStopsStartUp() {
        assertThatThrownBy(() -> TestQuarry.start(GUARDRAILS + "default_guardrail: nowhere:3\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("default_guardrail").hasMessageContaining("nowhere");
    }
}
