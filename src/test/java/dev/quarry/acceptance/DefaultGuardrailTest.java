package dev.quarry.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.quarry.config.ConfigException;
import dev.quarry.testing.TestQuarry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code default_guardrail}: every request that names no guardrail, chat or embeddings, runs under the configured one. */
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
    void embeddingsRunUnderTheDefaultTooAndABlockedInputIsRefusedInTheOpenAiErrorShape() {
        assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder().model("quarry/minilm")
                .inputOfArrayOfStrings(List.of("a receipt", "card " + CARD)).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.code()).hasValue("content_filter");
                    assertThat(e.param()).hasValue("input");
                    assertThat(e.getMessage()).contains("Not with card numbers, please.");
                });
        assertThat(embedding("a receipt", null)).hasSize(384);
    }

    @Test
    void aCardSplitAcrossTwoEmbeddingInputsIsRefused() {
        assertThatThrownBy(() -> client.embeddings().create(EmbeddingCreateParams.builder().model("quarry/minilm")
                .inputOfArrayOfStrings(List.of("card 4539 1488", "0343 6467")).build())).isInstanceOf(BadRequestException.class);
    }

    @Test
    void anAnonymisingGuardrailNamedForEmbeddingsEmbedsTheAnonymisedText() {
        List<Float> anonymised = embedding("write to ann@example.com", "lenient");
        assertThat(anonymised).isEqualTo(embedding("write to {EMAIL}", null)).isNotEqualTo(embedding("write to ann@example.com", null));
    }

    private static List<Float> embedding(String input, String guardrail) {
        EmbeddingCreateParams.Builder params = EmbeddingCreateParams.builder().model("quarry/minilm").input(input)
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT);
        if (guardrail != null) params.putAdditionalHeader("X-Quarry-Guardrail", guardrail);
        return client.embeddings().create(params.build()).data().getFirst().embedding();
    }

    @Test
    void aDefaultThatDoesNotExistStopsStartUp() {
        assertThatThrownBy(() -> TestQuarry.start(GUARDRAILS + "default_guardrail: nowhere:3\n", Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("default_guardrail").hasMessageContaining("nowhere");
    }
}
