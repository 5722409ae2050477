package dev.quarry.provider.echo;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.Role;
import dev.quarry.canonical.ToolKind;
import dev.quarry.canonical.ToolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides what the echo model answers. The rules, in order:
 *
 * <ol>
 *   <li>If the last message carries tool results, the answer is text reporting them:
 *       {@code Tool call_1 returned: <output>}.</li>
 *   <li>If the last user message contains directives {@code [[call NAME ARGS]]}, the answer is one
 *       tool call per directive, in order, with ARGS as the tool's input (a JSON object for
 *       function tools, raw text for custom tools). NAME must be one of the request's tools.</li>
 *   <li>Otherwise the answer is {@code You said: <the last user message's text>}.</li>
 * </ol>
 *
 * Directives are plain text, so any client can script a tool call through any surface.
 */
final class EchoScript {
    /** {@code [[call NAME ARGS]]}: ARGS runs to the first {@code ]]}. */
    private static final Pattern CALL = Pattern.compile("\\[\\[call\\s+([A-Za-z0-9_.:-]+)\\s*(.*?)]]", Pattern.DOTALL);

    /** What the model will say: text, or tool calls. */
    sealed interface Answer {
        record Say(String text) implements Answer {}

        record Call(List<ContentBlock.ToolUse> calls) implements Answer {}
    }

    private EchoScript() {}

    static Answer answer(ChatRequest request) {
        if (request.messages().isEmpty()) return new Answer.Say("You said nothing.");
        Message last = request.messages().getLast();
        List<ContentBlock.ToolResult> results = last.content().stream()
                .filter(ContentBlock.ToolResult.class::isInstance).map(ContentBlock.ToolResult.class::cast).toList();
        if (!results.isEmpty()) {
            var text = new StringBuilder();
            for (ContentBlock.ToolResult result : results) {
                if (!text.isEmpty()) text.append('\n');
                text.append("Tool ").append(result.toolUseId()).append(result.error() ? " failed: " : " returned: ")
                        .append(result.text().strip());
            }
            return new Answer.Say(text.toString());
        }
        String said = last.role() == Role.USER ? last.text() : "";
        Matcher m = CALL.matcher(said);
        List<ContentBlock.ToolUse> calls = new ArrayList<>();
        while (m.find()) {
            String name = m.group(1);
            ToolSpec tool = request.tools().stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
            if (tool == null) {
                return new Answer.Say("Cannot call tool '" + name + "': the request offers "
                        + (request.tools().isEmpty() ? "no tools." : "only " + request.tools().stream().map(ToolSpec::name).toList() + "."));
            }
            String args = m.group(2).strip();
            if (tool.kind() == ToolKind.FUNCTION && args.isEmpty()) args = "{}";
            calls.add(new ContentBlock.ToolUse("call_echo_" + (calls.size() + 1), name, args, tool.kind()));
        }
        return calls.isEmpty() ? new Answer.Say("You said: " + said) : new Answer.Call(calls);
    }
}
