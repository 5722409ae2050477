package dev.quarry.agents.runtime;

import dev.quarry.canonical.ChatRequest;
import dev.quarry.canonical.ContentBlock;
import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.InferenceConfig;
import dev.quarry.canonical.Message;
import dev.quarry.canonical.Role;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.canonical.TokenEstimate;
import dev.quarry.canonical.Tokenizer;
import dev.quarry.canonical.ToolChoice;
import dev.quarry.canonical.Usage;
import dev.quarry.catalog.ModelEntry;
import java.util.List;

/**
 * Keeps a session's history within its model's window when the agent allows compaction: when the
 * next call's prompt would fill more than {@value #THRESHOLD_PERCENT} % of the window, the
 * session's own model first summarises the history, and later calls read the summary in place of
 * what it covers. The estimate is the tokenizer-free one (cheap, and never below the real count
 * by much for prose), so compaction starts a little early rather than late.
 */
final class Compactor {
    static final int THRESHOLD_PERCENT = 80;
    static final int SUMMARY_MAX_TOKENS = 4096;
    static final String INSTRUCTION = "You are compacting the conversation above so it can go on in a smaller context. "
            + "Write a summary that keeps everything needed to continue: the user's goals and latest request, decisions made, "
            + "facts learned, tool calls made and their results that still matter, and the work still to do. "
            + "Write only the summary.";

    private Compactor() {}

    /** Whether {@code request} would fill too much of {@code model}'s window (a model whose window is unknown never is). */
    static boolean needed(ChatRequest request, ModelEntry model) {
        if (model == null || model.contextWindow() <= 0) return false;
        return TokenEstimate.of(request, Tokenizer.ESTIMATE) * 100 > (long) model.contextWindow() * THRESHOLD_PERCENT;
    }

    /**
     * The call that asks the model for the summary. The history goes as one transcript in plain
     * text (tool calls and results written out), so it can be cut anywhere: when the whole of it
     * would not fit the window with room for the summary, its oldest part is left out.
     */
    static ChatRequest summaryRequest(ChatRequest conversation, ModelEntry model) {
        int answer = model.contextWindow() > 0 ? Math.min(SUMMARY_MAX_TOKENS, model.contextWindow() / 4) : SUMMARY_MAX_TOKENS;
        String transcript = transcript(conversation.messages());
        ChatRequest request = summaryOf(conversation, transcript, answer);
        long room = model.contextWindow() > 0 ? model.contextWindow() - answer : Long.MAX_VALUE;
        while (TokenEstimate.of(request, Tokenizer.ESTIMATE) > room && transcript.length() > 1) {
            transcript = "[…earlier conversation left out…]\n" + transcript.substring(transcript.length() / 4);
            request = summaryOf(conversation, transcript, answer);
        }
        return request;
    }

    private static ChatRequest summaryOf(ChatRequest conversation, String transcript, int answer) {
        return new ChatRequest(conversation.model(), conversation.system(), List.of(Message.user(transcript + "\n\n" + INSTRUCTION)), List.of(),
                new ToolChoice.None(), new InferenceConfig(answer, null, null, List.of()), conversation.extensions());
    }

    /** The conversation as text: who said what, which tools were called and what they answered. */
    static String transcript(List<Message> messages) {
        StringBuilder out = new StringBuilder();
        for (Message message : messages) {
            String who = message.role() == Role.USER ? "User" : "Assistant";
            for (ContentBlock block : message.content()) {
                switch (block) {
                    case ContentBlock.Text t -> out.append(who).append(": ").append(t.text());
                    case ContentBlock.ToolUse u -> out.append("Assistant called tool ").append(u.name()).append(" (").append(u.id()).append(") with ")
                            .append(u.input());
                    case ContentBlock.ToolResult r -> out.append("Tool result for ").append(r.toolUseId()).append(r.error() ? " (failed): " : ": ")
                            .append(r.text());
                    default -> out.append(who).append(": [").append(block.getClass().getSimpleName()).append("]");
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** The summary the model streamed, and what the call used. */
    record Summary(String text, Usage usage) {}

    /** The summary streamed, cut at {@value Streaming#MAX_TEXT} characters as an answer is. */
    static Summary read(EventStream stream) {
        StringBuilder text = new StringBuilder();
        Usage usage = Usage.ZERO;
        try (stream) {
            while (stream.hasNext()) {
                switch (stream.next()) {
                    case StreamEvent.TextDelta delta -> {
                        if (text.length() + delta.text().length() <= Streaming.MAX_TEXT) text.append(delta.text());
                    }
                    case StreamEvent.UsageReport report -> usage = report.usage();
                    default -> { }
                }
            }
        }
        return new Summary(text.toString().strip(), usage);
    }
}
