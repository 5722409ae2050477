package dev.quarry.guardrails;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.Role;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The texts of a chat request a guardrail checks on input — the system prompt, every message's
 * text, the input of earlier tool calls and the text of tool results: whatever would leave for a
 * provider — and the same request with those texts replaced (anonymised). The prompt-attack filter
 * reads what arrives in user turns, typed text and tool results alike (a tool result is where an
 * injected document comes in); the system prompt is the application's own, and Bedrock likewise
 * filters attacks in user input only. Reasoning from earlier turns is left as it is: providers
 * verify its signature, so it cannot be rewritten.
 */
public final class PromptTexts {
    private final List<String> texts = new ArrayList<>();
    private final List<Boolean> userWritten = new ArrayList<>();

    private PromptTexts() {}

    public static PromptTexts of(ChatRequest request) {
        PromptTexts p = new PromptTexts();
        p.collect(request.system(), false);
        for (Message m : request.messages()) p.collect(m.content(), m.role() == Role.USER);
        return p;
    }

    public List<String> texts() {
        return texts;
    }

    /** Whether each text is one a user wrote, in the order of {@link #texts()}. */
    public List<Boolean> userWritten() {
        return userWritten;
    }

    /** The request with its texts, in the order collected, replaced by {@code replacements}. */
    public static ChatRequest replace(ChatRequest request, List<String> replacements) {
        Iterator<String> next = replacements.iterator();
        List<ContentBlock> system = rewrite(request.system(), next);
        List<Message> messages = new ArrayList<>(request.messages().size());
        for (Message m : request.messages()) messages.add(new Message(m.role(), rewrite(m.content(), next)));
        return new ChatRequest(request.model(), system, messages, request.tools(), request.toolChoice(), request.config(), request.extensions());
    }

    private void collect(List<ContentBlock> blocks, boolean user) {
        for (ContentBlock block : blocks) {
            switch (block) {
                case ContentBlock.Text t -> {
                    texts.add(t.text());
                    userWritten.add(user);
                }
                case ContentBlock.ToolResult r -> collect(r.content(), user);
                case ContentBlock.ToolUse u -> {
                    texts.add(u.input());
                    userWritten.add(false);
                }
                default -> { }
            }
        }
    }

    private static List<ContentBlock> rewrite(List<ContentBlock> blocks, Iterator<String> next) {
        List<ContentBlock> out = new ArrayList<>(blocks.size());
        for (ContentBlock block : blocks) {
            out.add(switch (block) {
                case ContentBlock.Text t -> new ContentBlock.Text(next.next());
                case ContentBlock.ToolResult r -> new ContentBlock.ToolResult(r.toolUseId(), rewrite(r.content(), next), r.error());
                // Placeholders hold no quote or backslash, so a JSON input stays JSON.
                case ContentBlock.ToolUse u -> new ContentBlock.ToolUse(u.id(), u.name(), next.next(), u.kind());
                default -> block;
            });
        }
        return out;
    }
}
