package dev.quarry.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.Role;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.ToolKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptTextsTest {
    private static final ChatRequest REQUEST = new ChatRequest("m", List.of(new ContentBlock.Text("You are a support assistant.")), List.of(
            Message.user("Refund ann@example.com"),
            new Message(Role.ASSISTANT, List.of(new ContentBlock.ToolUse("t1", "refund", "{\"email\":\"ann@example.com\"}", ToolKind.FUNCTION))),
            new Message(Role.USER, List.of(new ContentBlock.ToolResult("t1", List.of(new ContentBlock.Text("refunded ann@example.com")), false)))),
            List.of(), ToolChoice.AUTO, InferenceConfig.DEFAULTS, Map.of());

    @Test
    void everyTextThatLeavesIsCollectedAndWhatUsersSentIsOpenToTheAttackFilter() {
        PromptTexts texts = PromptTexts.of(REQUEST);
        assertThat(texts.texts()).containsExactly("You are a support assistant.", "Refund ann@example.com", "{\"email\":\"ann@example.com\"}",
                "refunded ann@example.com");
        assertThat(texts.userWritten()).containsExactly(false, true, false, true);
    }

    @Test
    void theRequestIsRebuiltWithItsTextsReplacedAndEverythingElseKept() {
        ChatRequest replaced = PromptTexts.replace(REQUEST, List.of("S", "Refund {EMAIL}", "{\"email\":\"{EMAIL}\"}", "refunded {EMAIL}"));
        assertThat(replaced.systemText()).isEqualTo("S");
        assertThat(replaced.messages().get(1).content().getFirst())
                .isEqualTo(new ContentBlock.ToolUse("t1", "refund", "{\"email\":\"{EMAIL}\"}", ToolKind.FUNCTION));
        assertThat(replaced.messages().get(2).content().getFirst())
                .isEqualTo(new ContentBlock.ToolResult("t1", List.of(new ContentBlock.Text("refunded {EMAIL}")), false));
        assertThat(PromptTexts.of(replaced).texts()).hasSize(4);
    }
}
