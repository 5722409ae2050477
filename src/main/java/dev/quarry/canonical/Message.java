package dev.quarry.canonical;

import java.util.List;

/** One turn of a conversation: a role and its content blocks, in order. */
public record Message(Role role, List<ContentBlock> content) {
    public Message {
        content = List.copyOf(content);
    }

    public static Message user(String text) {
        return new Message(Role.USER, List.of(new ContentBlock.Text(text)));
    }

    public static Message assistant(String text) {
        return new Message(Role.ASSISTANT, List.of(new ContentBlock.Text(text)));
    }

    /** The concatenated text blocks of this message, ignoring every other kind of block. */
    public String text() {
        var sb = new StringBuilder();
        for (ContentBlock block : content) {
            if (block instanceof ContentBlock.Text t) sb.append(t.text());
        }
        return sb.toString();
    }
}
