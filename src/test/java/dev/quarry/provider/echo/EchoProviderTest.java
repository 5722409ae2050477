package dev.quarry.provider.echo;

import dev.quarry.canonical.QuarryException;
import dev.quarry.canonical.ErrorKind;
import dev.quarry.canonical.DocumentType;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ChatResponse;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.Fold;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.Role;
import dev.quarry.canonical.StopReason;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.ToolSpec;
import dev.quarry.provider.ProviderCall;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EchoProviderTest {
    private final EchoProvider echo = new EchoProvider("quarry-echo");

    @Test
    void echoesTheLastUserMessage() {
        ChatResponse r = answer(request(List.of(Message.user("first"), Message.assistant("ok"), Message.user("second")), List.of(), null));
        assertThat(r.text()).isEqualTo("You said: second");
        assertThat(r.stopReason()).isEqualTo(StopReason.END_TURN);
        assertThat(r.usage().inputTokens()).isPositive();
    }

    @Test
    void playsScriptedCallsOfOfferedToolsInOrder() {
        var tools = List.of(ToolSpec.function("a", null, "{}"), new ToolSpec("patch", null, null, ToolKind.CUSTOM, null));
        ChatResponse r = answer(request(List.of(Message.user("do [[call a {\"x\":1}]] then [[call patch *** Begin Patch]]")), tools, null));
        assertThat(r.toolUses()).containsExactly(
                new ContentBlock.ToolUse("call_echo_1", "a", "{\"x\":1}", ToolKind.FUNCTION),
                new ContentBlock.ToolUse("call_echo_2", "patch", "*** Begin Patch", ToolKind.CUSTOM));
        assertThat(r.stopReason()).isEqualTo(StopReason.TOOL_USE);
    }

    @Test
    void refusesToCallAToolTheRequestDoesNotOffer() {
        ChatResponse r = answer(request(List.of(Message.user("[[call rm {}]]")), List.of(ToolSpec.function("ls", null, "{}")), null));
        assertThat(r.toolUses()).isEmpty();
        assertThat(r.text()).contains("Cannot call tool 'rm'", "[ls]");
    }

    @Test
    void reportsToolResults() {
        var result = new Message(Role.USER, List.of(new ContentBlock.ToolResult("call_echo_1", List.of(new ContentBlock.Text("42\n")), false)));
        ChatResponse r = answer(request(List.of(Message.user("[[call a {}]]"), result), List.of(ToolSpec.function("a", null, "{}")), null));
        assertThat(r.text()).isEqualTo("Tool call_echo_1 returned: 42");
    }

    @Test
    void aTokenLimitTruncatesAndSaysSo() {
        ChatResponse r = answer(request(List.of(Message.user("a fairly long sentence that will not fit in two tokens")), List.of(), 2));
        assertThat(r.text()).hasSize(8);
        assertThat(r.stopReason()).isEqualTo(StopReason.MAX_TOKENS);
    }

    private ChatResponse answer(ChatRequest request) {
        return Fold.of(echo.stream(new ProviderCall(request, "echo", true)));
    }

    private static ChatRequest request(List<Message> messages, List<ToolSpec> tools, Integer maxTokens) {
        return new ChatRequest("quarry/echo", List.of(), messages, tools, ToolChoice.AUTO,
                new InferenceConfig(maxTokens, null, null, List.of()), Map.of());
    }

    @Test
    void aDocumentIsRefusedRatherThanIgnored() {
        var request = ChatRequest.of("quarry/echo", List.of(new Message(Role.USER, List.of(new ContentBlock.Text("Read."),
                new ContentBlock.Document(DocumentType.PDF, "JVBERi0xLjQK", null)))));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> echo.stream(new ProviderCall(request, "echo", true)))
                .isInstanceOfSatisfying(QuarryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED_FEATURE);
                    assertThat(e.getMessage()).contains("Model 'quarry/echo'", "it takes none", "send the document's content as text");
                });
    }
}
