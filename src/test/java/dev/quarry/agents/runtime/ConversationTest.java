package dev.quarry.agents.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quarry.agents.model.AgentSpec;
import dev.quarry.agents.model.AgentTool;
import dev.quarry.agents.model.Item;
import dev.quarry.agents.model.ItemBody;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.ToolKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every tool result the model reads answers a call it made earlier in the conversation, as every provider requires. */
class ConversationTest {
    private static final AgentSpec SPEC = new AgentSpec(null, "quarry/echo", null,
            List.of(new AgentTool.Function("lookup", "Looks up", null)));

    @Test
    void aCallOfAToolTheAgentDoesNotHaveIsInTheHistoryBeforeItsResult() {
        List<ContentBlock.ToolUse> calls = List.of(new ContentBlock.ToolUse("call_1", "tools__fail", "{}", ToolKind.FUNCTION));
        List<Item> history = new ArrayList<>();
        history.add(item(new ItemBody.UserMessage("[[call tools__fail {}]]")));
        try (TurnTools tools = TurnTools.connect(null, SPEC, "sess_1", null, null, null)) {
            tools.items(calls).forEach(body -> history.add(item(body)));
            List<Message> messages = Conversation.request(SPEC, history, tools.specs()).messages();

            Set<String> called = new HashSet<>();
            List<String> answered = new ArrayList<>();
            for (Message message : messages) {
                for (ContentBlock block : message.content()) {
                    if (block instanceof ContentBlock.ToolUse use) called.add(use.id());
                    if (block instanceof ContentBlock.ToolResult result) {
                        assertThat(called).as("a result answers an earlier call").contains(result.toolUseId());
                        assertThat(result.text()).contains("There is no tool named 'tools__fail'");
                        answered.add(result.toolUseId());
                    }
                }
            }
            assertThat(answered).containsExactly("call_1");
        }
    }

    @Test
    void theResultsOfOneAnswersMcpCallsFollowAllItsCallsInOneMessage() {
        List<Item> history = List.of(item(new ItemBody.UserMessage("two at once")),
                item(new ItemBody.McpCall("call_1", "tools", "nap", "{}", "napped", null)),
                item(new ItemBody.McpCall("call_2", "tools", "fail", "{}", null, "it broke")),
                item(new ItemBody.AssistantMessage("done")));

        List<Message> messages = Conversation.request(SPEC, history, List.of()).messages();

        assertThat(messages).extracting(m -> m.content().stream().map(ConversationTest::shown).toList()).containsExactly(
                List.of("text"), List.of("use call_1 tools__nap", "use call_2 tools__fail"), List.of("result call_1", "result call_2"),
                List.of("text"));
    }

    private static String shown(ContentBlock block) {
        return switch (block) {
            case ContentBlock.ToolUse use -> "use " + use.id() + " " + use.name();
            case ContentBlock.ToolResult result -> "result " + result.toolUseId();
            default -> "text";
        };
    }

    private static Item item(ItemBody body) {
        return new Item("item_" + body.hashCode(), "turn_1", 0, Item.COMPLETED, body, 0);
    }
}
