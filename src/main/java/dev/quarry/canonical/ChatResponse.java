package dev.quarry.canonical;

import java.util.List;

/** A whole assistant turn: what {@link Fold} makes of a stream. */
public record ChatResponse(String id, String model, List<ContentBlock> content, StopReason stopReason, Usage usage) {
    public ChatResponse {
        content = List.copyOf(content);
    }

    public String text() {
        return new Message(Role.ASSISTANT, content).text();
    }

    public List<ContentBlock.ToolUse> toolUses() {
        return content.stream()
                .filter(ContentBlock.ToolUse.class::isInstance)
                .map(ContentBlock.ToolUse.class::cast)
                .toList();
    }
}
