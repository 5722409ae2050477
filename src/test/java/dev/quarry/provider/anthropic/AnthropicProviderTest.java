package dev.quarry.provider.anthropic;

import static dev.quarry.provider.UpstreamScript.answer;
import static dev.quarry.provider.UpstreamScript.reasoning;
import static dev.quarry.provider.UpstreamScript.text;
import static dev.quarry.provider.UpstreamScript.toolCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ChatResponse;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.Fold;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.provider.Provider;
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

/** The Anthropic provider against a stub of the Messages API. */
class AnthropicProviderTest extends ScriptedProviderContractTest {
    private AnthropicStub stub;
    private Provider provider;

    @BeforeEach
    void startStub() {
        stub = new AnthropicStub();
        provider = new AnthropicProvider(settings("sk-ant-test", Map.of()));
    }

    @AfterEach
    void stopStub() {
        stub.close();
    }

    private ProviderSettings settings(String apiKey, Map<String, String> options) {
        return new ProviderSettings("claude-upstream", "anthropic", stub.baseUrl(), apiKey, null, Duration.ofSeconds(10), options);
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
    void callsStreamFromTheMessagesPathWithTheKeyAndApiVersion() {
        answerWithText("Hi.");

        Fold.of(provider.stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))));

        assertThat(stub.lastRequest().method()).isEqualTo("POST");
        assertThat(stub.lastRequest().path()).isEqualTo("/v1/messages");
        assertThat(stub.lastRequest().header("x-api-key")).isEqualTo("sk-ant-test");
        assertThat(stub.lastRequest().header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(stub.lastRequest().header("anthropic-beta")).isNull();
        JsonNode body = stub.lastBody();
        assertThat(body.path("model").asText()).isEqualTo(MODEL);
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("max_tokens").asInt()).isEqualTo(AnthropicProvider.DEFAULT_MAX_TOKENS);
    }

    @Test
    void theDefaultOutputLimitAndBetaHeaderComeFromTheOptions() {
        Provider configured = new AnthropicProvider(settings("sk-ant-test", Map.of("default_max_tokens", "1000", "anthropic_beta", "context-1m-2025-08-07")));
        answerWithText("Hi.");

        Fold.of(configured.stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))));

        assertThat(stub.lastBody().path("max_tokens").asInt()).isEqualTo(1000);
        assertThat(stub.lastRequest().header("anthropic-beta")).isEqualTo("context-1m-2025-08-07");
    }

    @Test
    void signedThinkingComesBackAsReasoningWithItsSignatureBeforeTheText() {
        stub.then(answer(reasoning("The user greets me.", "sig-abc"), text("Hello!")));

        List<StreamEvent> events = events(ChatRequest.of(MODEL, List.of(Message.user("Hi."))));

        StreamRules.assertWellFormed(events);
        assertThat(Fold.of(EventStream.of(events)).content()).containsExactly(
                new ContentBlock.Reasoning("The user greets me.", "sig-abc"), new ContentBlock.Text("Hello!"));
    }

    @Test
    void parallelToolCallsBecomeOneBlockEach() {
        stub.then(answer(text("Checking both."), toolCall("toolu_1", "get_weather", "{\"city\":\"Paris\"}"),
                toolCall("toolu_2", "get_weather", "{\"city\":\"Rome\"}")));

        List<StreamEvent> events = events(withWeatherTool(List.of(Message.user("Paris and Rome?"))));

        StreamRules.assertWellFormed(events);
        ChatResponse answer = Fold.of(EventStream.of(events));
        assertThat(answer.toolUses()).extracting(ContentBlock.ToolUse::id, ContentBlock.ToolUse::input).containsExactly(
                tuple("toolu_1", "{\"city\":\"Paris\"}"), tuple("toolu_2", "{\"city\":\"Rome\"}"));
        assertThat(answer.stopReason()).isEqualTo(StopReason.TOOL_USE);
    }

    @Test
    void toolsAndTheToolChoiceGoUpstreamInAnthropicsShape() {
        answerWithText("Sunny.");
        ChatRequest request = new ChatRequest(MODEL, List.of(), List.of(Message.user("Weather?")), withWeatherTool(List.of()).tools(),
                new ToolChoice.Named("get_weather"), null, Map.of());

        Fold.of(provider.stream(call(request)));

        JsonNode body = stub.lastBody();
        assertThat(body.path("tools").get(0).path("input_schema").path("required").get(0).asText()).isEqualTo("city");
        assertThat(body.path("tool_choice").toString()).isEqualTo("{\"type\":\"tool\",\"name\":\"get_weather\"}");
    }

    @Test
    void anUnknownModelIsTheDeploymentsFaultNamedByTheUpstream() {
        stub.then(new UpstreamScript.RawError(404, AnthropicStub.error("not_found_error", "model: claude-nonexistent"), Map.of()));

        assertThatThrownBy(() -> provider.stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
                    assertThat(e.getMessage()).contains("claude-upstream", "claude-nonexistent");
                });
    }

    @Test
    void aKeyWithoutPermissionIsBlamedOnTheProvider() {
        stub.then(new UpstreamScript.RawError(403, AnthropicStub.error("permission_error", "Your API key does not have permission to use the specified resource."), Map.of()));

        assertThatThrownBy(() -> provider.stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
                    assertThat(e.getMessage()).contains("credentials", "claude-upstream");
                });
    }

    @Test
    void aProviderWithoutAKeyIsRefusedNamingWhatToSet() {
        assertThatThrownBy(() -> new AnthropicProvider(settings(null, Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'claude-upstream'")
                .hasMessageContaining("api_key_env");
    }

    @Test
    void aDefaultOutputLimitThatIsNoNumberIsRefused() {
        assertThatThrownBy(() -> new AnthropicProvider(settings("sk-ant-test", Map.of("default_max_tokens", "lots"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("default_max_tokens")
                .hasMessageContaining("\"lots\"");
    }
}
