package dev.quarry.provider.openai;

import static dev.quarry.provider.openai.OpenAiChatCompletionsProviderTest.settings;
import static dev.quarry.provider.openai.OpenAiStub.answer;
import static dev.quarry.provider.openai.OpenAiStub.customToolCall;
import static dev.quarry.provider.openai.OpenAiStub.reasoning;
import static dev.quarry.provider.openai.OpenAiStub.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ChatResponse;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.Fold;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.ToolSpec;
import dev.quarry.provider.Provider;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The OpenAI provider on the Responses API, its default, against the stub. */
class OpenAiResponsesProviderTest extends OpenAiProviderContractTest {
    private static final ToolSpec APPLY_PATCH = new ToolSpec("apply_patch", "Edits files.", null, ToolKind.CUSTOM,
            "{\"type\":\"grammar\",\"syntax\":\"lark\",\"definition\":\"start: /.+/\"}");

    @Override
    protected String api() {
        return null;
    }

    @Test
    void openAiIsCalledOnTheResponsesApiByDefaultWithNothingStored() {
        answerWithText("Hi.");
        ChatRequest request = new ChatRequest(MODEL, List.of(new ContentBlock.Text("Be brief.")), List.of(Message.user("Hello.")),
                List.of(), ToolChoice.AUTO, null, Map.of());

        Fold.of(provider.stream(call(request)));

        OpenAiStub.Request sent = stub.lastRequest();
        assertThat(sent.path()).isEqualTo("/v1/responses");
        assertThat(sent.header("Authorization")).isEqualTo("Bearer sk-test");
        assertThat(sent.body().path("instructions").asText()).isEqualTo("Be brief.");
        assertThat(sent.body().path("stream").asBoolean()).isTrue();
        assertThat(sent.body().path("store").asBoolean(true)).isFalse();
    }

    @Override
    protected void answerWithCustomToolCall(String id, String name, String input) {
        stub.then(answer(customToolCall(id, name, input)));
    }

    @Override
    protected boolean customToolsTravelAsFunctions() {
        return false;
    }

    @Test
    void freeFormToolCallsComeBackAsCustomToolUse() {
        String patch = "*** Begin Patch\n*** Add File: a.txt\n+hello\n*** End Patch";
        stub.then(answer(text("Patching."), customToolCall("call_9", "apply_patch", patch)));
        ChatRequest request = new ChatRequest(MODEL, List.of(), List.of(Message.user("Add a.txt.")), List.of(APPLY_PATCH),
                ToolChoice.AUTO, null, Map.of());

        List<StreamEvent> events = events(request);

        StreamRules.assertWellFormed(events);
        ChatResponse answer = Fold.of(EventStream.of(events));
        assertThat(answer.text()).isEqualTo("Patching.");
        assertThat(answer.toolUses()).containsExactly(new ContentBlock.ToolUse("call_9", "apply_patch", patch, ToolKind.CUSTOM));
        assertThat(answer.stopReason()).isEqualTo(StopReason.TOOL_USE);
        assertThat(stub.lastRequest().body().path("tools").get(0).path("format").path("syntax").asText()).isEqualTo("lark");
    }

    @Test
    void aReasoningSummaryBecomesAReasoningBlock() {
        stub.then(answer(reasoning("Greeting; answer in kind."), text("Hello!")));

        List<StreamEvent> events = events(ChatRequest.of(MODEL, List.of(Message.user("Hi."))));

        StreamRules.assertWellFormed(events);
        assertThat(Fold.of(EventStream.of(events)).content()).containsExactly(
                new ContentBlock.Reasoning("Greeting; answer in kind.", null), new ContentBlock.Text("Hello!"));
    }

    @Test
    void stopSequencesAreRefusedBeforeAnythingIsSent() {
        ChatRequest request = new ChatRequest(MODEL, List.of(), List.of(Message.user("Count.")), List.of(), ToolChoice.AUTO,
                new InferenceConfig(null, null, null, List.of("5")), Map.of());

        assertThatThrownBy(() -> provider.stream(call(request)))
                .isInstanceOfSatisfying(QuarryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED_FEATURE));
        assertThat(stub.requests()).isEmpty();
    }

    @Test
    void aCompatibleServerCanBeCalledOnTheResponsesApi() {
        Provider local = new OpenAiProvider(settings("openai-compatible", stub.baseUrl(), null, "responses"));
        answerWithText("Hi.");

        assertThat(Fold.of(local.stream(call(ChatRequest.of(MODEL, List.of(Message.user("Hello.")))))).text()).isEqualTo("Hi.");
        assertThat(stub.lastRequest().path()).isEqualTo("/v1/responses");
        assertThat(stub.lastRequest().header("Authorization")).isNull();
    }
}
