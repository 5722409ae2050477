package dev.quarry.provider.gemini;

import static dev.quarry.provider.UpstreamScript.answer;
import static dev.quarry.provider.UpstreamScript.reasoning;
import static dev.quarry.provider.UpstreamScript.text;
import static dev.quarry.provider.UpstreamScript.toolCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ChatResponse;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.Fold;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.Role;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.provider.Provider;
import dev.quarry.provider.ProviderCall;
import dev.quarry.provider.ProviderSettings;
import dev.quarry.provider.ScriptedProviderContractTest;
import dev.quarry.provider.ScriptedStub;
import dev.quarry.provider.UpstreamScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Gemini provider against a stub of the Gemini API's streamGenerateContent. */
class GeminiProviderTest extends ScriptedProviderContractTest {
    private GeminiStub stub;
    private Provider provider;

    @BeforeEach
    void startStub() {
        stub = new GeminiStub();
        provider = new GeminiProvider(new ProviderSettings("google", "gemini", stub.baseUrl(), "AIza-test", null, Duration.ofSeconds(10), Map.of()));
    }

    @AfterEach
    void stopStub() {
        stub.close();
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
    void callsStreamFromTheModelsStreamGenerateContentMethodWithTheKeyInItsHeader() {
        answerWithText("Hi.");

        Fold.of(provider.stream(new ProviderCall(ChatRequest.of(MODEL, List.of(Message.user("Hello."))), "models/gemini-2.5-flash", true)));

        assertThat(stub.lastRequest().method()).isEqualTo("POST");
        assertThat(stub.lastRequest().path()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
        assertThat(stub.lastRequest().query()).isEqualTo("alt=sse");
        assertThat(stub.lastRequest().header("x-goog-api-key")).isEqualTo("AIza-test");
        assertThat(stub.lastBody().path("contents").get(0).toString()).isEqualTo("{\"role\":\"user\",\"parts\":[{\"text\":\"Hello.\"}]}");
    }

    @Test
    void callsWithoutIdsAreGivenStableOnesAndTheirResultsFindTheFunctionByThem() {
        stub.then(answer(toolCall(null, "get_weather", "{\"city\":\"Paris\"}"), toolCall(null, "get_weather", "{\"city\":\"Rome\"}")));

        ChatResponse first = Fold.of(provider.stream(call(withWeatherTool(List.of(Message.user("Paris and Rome?"))))));

        assertThat(first.toolUses()).extracting(ContentBlock.ToolUse::id).containsExactly(
                "call_" + GeminiStub.RESPONSE_ID + "_0", "call_" + GeminiStub.RESPONSE_ID + "_1");
        assertThat(first.stopReason()).isEqualTo(StopReason.TOOL_USE);

        List<Message> conversation = new ArrayList<>(List.of(Message.user("Paris and Rome?"), new Message(Role.ASSISTANT, first.content())));
        conversation.add(new Message(Role.USER, first.toolUses().stream()
                .<ContentBlock>map(use -> new ContentBlock.ToolResult(use.id(), List.of(new ContentBlock.Text("{\"temp\":18}")), false)).toList()));
        answerWithText("Both mild.");
        Fold.of(provider.stream(call(withWeatherTool(conversation))));

        JsonNode contents = stub.lastBody().path("contents");
        JsonNode calls = contents.get(1).path("parts");
        assertThat(calls.get(0).path("functionCall").path("name").asText()).isEqualTo("get_weather");
        assertThat(calls.get(0).path("thoughtSignature").asText()).as("the signature goes back on the call it came on").isEqualTo(GeminiStub.SIGNATURE);
        JsonNode responses = contents.get(2).path("parts");
        assertThat(responses.get(1).path("functionResponse").toString()).isEqualTo(
                "{\"id\":\"call_resp-stub_1\",\"name\":\"get_weather\",\"response\":{\"temp\":18}}");
    }

    @Test
    void thoughtPartsBecomeAReasoningBlockBeforeTheText() {
        stub.then(answer(reasoning("The user greets me.", null), text("Hello!")));

        List<StreamEvent> events = events(ChatRequest.of(MODEL, List.of(Message.user("Hi."))));

        StreamRules.assertWellFormed(events);
        assertThat(Fold.of(EventStream.of(events)).content()).startsWith(
                new ContentBlock.Reasoning("The user greets me.", null), new ContentBlock.Text("Hello!"));
    }

    @Test
    void aPermissionDeniedKeyIsBlamedOnTheProvider() {
        stub.then(new UpstreamScript.RawError(403, GeminiStub.error(403, "PERMISSION_DENIED", "Generative Language API has not been used in project 1234."), Map.of()));

        assertThatThrownBy(() -> provider.stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello."))))))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
                    assertThat(e.getMessage()).contains("credentials", "google");
                });
    }

    @Test
    void aProviderWithoutAKeyIsRefusedNamingWhatToSet() {
        assertThatThrownBy(() -> new GeminiProvider(new ProviderSettings("google", "gemini", stub.baseUrl(), "", null, null, Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'google'")
                .hasMessageContaining("api_key_env");
    }
}
