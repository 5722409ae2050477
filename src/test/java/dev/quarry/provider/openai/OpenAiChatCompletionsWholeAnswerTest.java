package dev.quarry.provider.openai;

import static dev.quarry.provider.openai.OpenAiStub.answer;
import static dev.quarry.provider.openai.OpenAiStub.reasoning;
import static dev.quarry.provider.openai.OpenAiStub.text;
import static dev.quarry.provider.openai.OpenAiStub.toolCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ChatResponse;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.Fold;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.provider.ProviderCall;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Chat Completions provider for a client that does not stream: the upstream is asked for the
 * whole answer, and the contract kit checks that it comes back as the events a stream would give.
 */
class OpenAiChatCompletionsWholeAnswerTest extends OpenAiProviderContractTest {
    private static final ChatRequest HELLO = ChatRequest.of(MODEL, List.of(Message.user("Hello.")));

    @Override
    protected String api() {
        return "chat_completions";
    }

    @Override
    protected boolean clientStreams() {
        return false;
    }

    @Test
    void theUpstreamIsAskedNotToStream() {
        answerWithText("Hi.");

        Fold.of(provider.stream(call(HELLO)));

        assertThat(stub.lastRequest().body().path("stream").isBoolean()).isTrue();
        assertThat(stub.lastRequest().body().path("stream").asBoolean()).isFalse();
        assertThat(stub.lastRequest().body().has("stream_options")).isFalse();
    }

    @Test
    void aWholeAnswerFoldsToWhatTheSameAnswerStreamedDoes() {
        var parts = answer(reasoning("Two cities."), text("Checking both."),
                toolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"), toolCall("call_2", "get_weather", "{\"city\":\"Rome\"}"));
        stub.then(parts).then(parts);
        ChatRequest request = withWeatherTool(List.of(Message.user("Paris and Rome?")));

        List<StreamEvent> whole = events(request);
        ChatResponse streamed = Fold.of(provider.stream(new ProviderCall(request, MODEL, true)));

        StreamRules.assertWellFormed(whole);
        assertThat(Fold.of(EventStream.of(whole))).isEqualTo(streamed);
        assertThat(streamed.toolUses()).hasSize(2);
        assertThat(stub.requests()).extracting(r -> r.body().path("stream").asBoolean()).containsExactly(false, true);
    }

    @Test
    void aBodyThatIsNotJsonIsTheUpstreamsErrorThrownAtTheCall() {
        stub.then(new OpenAiStub.Raw("application/json", "{\"id\":\"chatcmpl-1\",\"choices\":[{\"message\":"));

        assertThatThrownBy(() -> provider.stream(call(HELLO)))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UPSTREAM_ERROR);
                    assertThat(e.getMessage()).contains("'upstream'", "sent an answer that is not a JSON object", "chatcmpl-1");
                });
    }

    @Test
    void aServerThatStreamsThoughAskedNotToIsReadAsAStream() {
        String chunk = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"Hi.\"},\"finish_reason\":\"stop\"}]}";
        stub.then(new OpenAiStub.Raw("text/event-stream", "data: " + chunk + "\n\ndata: [DONE]\n\n"));

        assertThat(Fold.of(provider.stream(call(HELLO))).text()).isEqualTo("Hi.");
    }
}
