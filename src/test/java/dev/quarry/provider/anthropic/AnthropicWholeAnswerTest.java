package dev.quarry.provider.anthropic;

import static dev.quarry.provider.UpstreamScript.answer;
import static dev.quarry.provider.UpstreamScript.reasoning;
import static dev.quarry.provider.UpstreamScript.text;
import static dev.quarry.provider.UpstreamScript.toolCall;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.Fold;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.provider.Provider;
import dev.quarry.provider.ProviderCall;
import dev.quarry.provider.ProviderSettings;
import dev.quarry.provider.ScriptedProviderContractTest;
import dev.quarry.provider.ScriptedStub;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Anthropic provider for a client that does not stream: the upstream is asked for the whole
 * {@code message}, and the contract kit checks that it comes back as the events a stream would give.
 */
class AnthropicWholeAnswerTest extends ScriptedProviderContractTest {
    private AnthropicStub stub;
    private Provider provider;

    @BeforeEach
    void startStub() {
        stub = new AnthropicStub();
        provider = new AnthropicProvider(new ProviderSettings("claude-upstream", "anthropic", stub.baseUrl(), "sk-ant-test", null,
                Duration.ofSeconds(10), Map.of()));
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

    @Override
    protected boolean clientStreams() {
        return false;
    }

    @Test
    void theUpstreamIsAskedNotToStreamAndItsWholeAnswerFoldsToWhatTheStreamedOneDoes() throws Exception {
        var parts = answer(reasoning("Two cities.", "sig-1"), text("Checking both."),
                toolCall("toolu_1", "get_weather", "{\"city\":\"Paris\"}"), toolCall("toolu_2", "get_weather", "{\"city\":\"Rome\"}"));
        stub.then(parts);
        stub.then(parts);
        ChatRequest request = withWeatherTool(List.of(Message.user("Paris and Rome?")));

        List<StreamEvent> whole = events(request);
        var streamed = Fold.of(provider.stream(new ProviderCall(request, MODEL, true)));

        StreamRules.assertWellFormed(whole);
        assertThat(Fold.of(EventStream.of(whole))).isEqualTo(streamed);
        assertThat(streamed.toolUses()).hasSize(2);
        ObjectMapper json = new ObjectMapper();
        assertThat(stub.requests()).extracting(r -> json.readTree(r.body()).path("stream").asBoolean())
                .containsExactly(false, true);
    }

    @Test
    void aToolCalledWithoutArgumentsHasTheInputItsStreamWouldHave() {
        stub.then(answer(toolCall("toolu_1", "now", "{}")));
        ChatRequest request = withWeatherTool(List.of(Message.user("What time is it?")));

        var whole = Fold.of(provider.stream(call(request)));

        assertThat(whole.toolUses()).singleElement().satisfies(use -> assertThat(use.input()).isEmpty());
    }
}
