package dev.quarry.provider.azure;

import static dev.quarry.provider.UpstreamScript.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.Fold;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.provider.Provider;
import dev.quarry.provider.ProviderCall;
import dev.quarry.provider.ProviderSettings;
import dev.quarry.provider.ScriptedProviderContractTest;
import dev.quarry.provider.ScriptedStub;
import dev.quarry.provider.UpstreamScript;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Azure OpenAI provider against a stub of an Azure OpenAI resource. */
class AzureOpenAiProviderTest extends ScriptedProviderContractTest {
    private AzureOpenAiStub stub;
    private Provider provider;

    @BeforeEach
    void startStub() {
        stub = new AzureOpenAiStub();
        provider = AzureOpenAi.provider(settings("azure-key", Map.of()));
    }

    @AfterEach
    void stopStub() {
        stub.close();
    }

    private ProviderSettings settings(String apiKey, Map<String, String> options) {
        return new ProviderSettings("azure", "azure-openai", stub.baseUrl(), apiKey, null, Duration.ofSeconds(10), options);
    }

    @Override
    protected ScriptedStub stub() {
        return stub;
    }

    @Override
    protected Provider provider() {
        return provider;
    }

    @Test
    void callsTheDeploymentsChatCompletionsWithTheApiVersionAndKeyHeader() {
        answerWithText("Hi.");

        Fold.of(provider.stream(new ProviderCall(limitedTo(50), "gpt-4o-prod", true)));

        assertThat(stub.lastRequest().path()).isEqualTo("/openai/deployments/gpt-4o-prod/chat/completions");
        assertThat(stub.lastRequest().query()).isEqualTo("api-version=" + AzureOpenAi.DEFAULT_API_VERSION);
        assertThat(stub.lastRequest().header("api-key")).isEqualTo("azure-key");
        assertThat(stub.lastRequest().header("Authorization")).isNull();
        assertThat(stub.lastBody().path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(stub.lastBody().path("max_completion_tokens").asInt()).isEqualTo(50);
    }

    @Test
    void theApiVersionComesFromTheOptions() {
        Provider pinned = AzureOpenAi.provider(settings("azure-key", Map.of("api_version", "2025-04-01-preview")));
        answerWithText("Hi.");

        Fold.of(pinned.stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))));

        assertThat(stub.lastRequest().query()).isEqualTo("api-version=2025-04-01-preview");
    }

    @Test
    void theV1ApiIsCalledWithoutAVersionAndWithTheDeploymentAsTheModel() {
        Provider v1 = AzureOpenAi.provider(settings("azure-key", Map.of("api_version", "v1")));
        answerWithText("Hi.");

        Fold.of(v1.stream(new ProviderCall(ChatRequest.of(MODEL, List.of(Message.user("Hello."))), "gpt-4o-prod", true)));

        assertThat(stub.lastRequest().path()).isEqualTo("/openai/v1/chat/completions");
        assertThat(stub.lastRequest().query()).isNull();
        assertThat(stub.lastBody().path("model").asText()).isEqualTo("gpt-4o-prod");
    }

    @Test
    void thePromptFilterChunkBeforeTheAnswerIsNotTakenForItsStart() {
        answerWithText("Hi.");

        List<StreamEvent> events = events(ChatRequest.of(MODEL, List.of(Message.user("Hello."))));

        StreamRules.assertWellFormed(events);
        assertThat(events.getFirst()).isEqualTo(new StreamEvent.MessageStart("chatcmpl-azure", MODEL));
        assertThat(Fold.of(EventStream.of(events)).text()).isEqualTo("Hi.");
    }

    @Test
    void aPromptTheContentFilterRefusesIsContentFiltered() {
        stub.then(new UpstreamScript.RawError(400, "{\"error\":{\"message\":\"The response was filtered due to the prompt triggering Azure "
                + "OpenAI's content management policy.\",\"type\":null,\"param\":\"prompt\",\"code\":\"content_filter\",\"status\":400,"
                + "\"innererror\":{\"code\":\"ResponsibleAIPolicyViolation\"}}}", Map.of()));

        assertThatThrownBy(() -> provider.stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))))
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONTENT_FILTERED));
    }

    @Test
    void aProviderWithoutAKeyIsRefusedNamingWhatToSet() {
        assertThatThrownBy(() -> AzureOpenAi.provider(settings(null, Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'azure'")
                .hasMessageContaining("api_key_env");
    }

    private static ChatRequest limitedTo(int maxTokens) {
        return new ChatRequest(MODEL, List.of(), List.of(Message.user("Hello.")), List.of(), ToolChoice.AUTO,
                new InferenceConfig(maxTokens, null, null, List.of()), Map.of());
    }
}
