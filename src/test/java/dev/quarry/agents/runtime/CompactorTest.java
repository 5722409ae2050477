package dev.quarry.agents.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.Role;
import dev.quarry.canonical.TokenEstimate;
import dev.quarry.canonical.Tokenizer;
import dev.quarry.canonical.ToolKind;
import dev.quarry.catalog.Deployment;
import dev.quarry.catalog.ModelEntry;
import dev.quarry.catalog.ModelKind;
import dev.quarry.catalog.Price;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CompactorTest {
    private static ModelEntry model(int window) {
        return new ModelEntry("m", "test", ModelKind.CHAT, "", window, 4_000, Set.of(), List.of(), List.of(new Deployment("stub", "m")), Price.UNPRICED, true);
    }

    private static ChatRequest conversation(int turns) {
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < turns; i++) {
            messages.add(Message.user("question " + i + " " + "q".repeat(400)));
            messages.add(new Message(Role.ASSISTANT, List.of(new ContentBlock.ToolUse("call_" + i, "lookup", "{\"n\":" + i + "}", ToolKind.FUNCTION))));
            messages.add(new Message(Role.USER, List.of(new ContentBlock.ToolResult("call_" + i, List.of(new ContentBlock.Text("found " + i)), false))));
        }
        return ChatRequest.of("m", messages);
    }

    @Test
    void compactionStartsAtFourFifthsOfTheWindow() {
        ChatRequest request = conversation(4);
        long estimate = TokenEstimate.of(request, Tokenizer.ESTIMATE);
        assertThat(Compactor.needed(request, model((int) (estimate * 100 / 81)))).as("the prompt fills 81 % of the window").isTrue();
        assertThat(Compactor.needed(request, model((int) (estimate * 100 / 79)))).as("the prompt fills 79 % of the window").isFalse();
        assertThat(Compactor.needed(request, model(0))).as("an unknown window").isFalse();
    }

    @Test
    void theSummaryCallFitsTheWindowLeavingOutTheOldestPartAndCallsNoTool() {
        ModelEntry small = model(2_000);
        ChatRequest summary = Compactor.summaryRequest(conversation(100), small);
        assertThat(TokenEstimate.of(summary, Tokenizer.ESTIMATE)).isLessThanOrEqualTo(2_000 - 500);
        assertThat(summary.tools()).isEmpty();
        assertThat(summary.messages()).hasSize(1);
        String text = summary.messages().getFirst().text();
        assertThat(text).contains("earlier conversation left out").contains("question 99").doesNotContain("question 0 ")
                .contains("Assistant called tool lookup (call_99) with {\"n\":99}").contains("Tool result for call_99: found 99")
                .endsWith(Compactor.INSTRUCTION);
        assertThat(summary.config().maxTokens()).isEqualTo(500);
    }
}
