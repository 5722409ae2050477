package dev.quarry.canonical;

/**
 * A tokenizer-free estimate of token counts: about four characters of English per token, the
 * rule of thumb OpenAI and Anthropic both publish. Used where no provider count exists (the
 * offline echo model, pre-flight context-window checks), never to bill a real provider's call.
 */
public final class TokenEstimate {
    private TokenEstimate() {}

    public static long of(CharSequence text) {
        return ofLength(text.length());
    }

    /** The estimate for text of {@code chars} characters. */
    public static long ofLength(long chars) {
        return chars <= 0 ? 0 : (chars + 3) / 4;
    }

    /** Estimated prompt tokens of a request: system, messages, and tool definitions. */
    public static long of(ChatRequest request) {
        long total = of(request.systemText());
        for (Message message : request.messages()) {
            total += 4; // per-message framing, as chat templates add role markers
            for (ContentBlock block : message.content()) total += of(block);
        }
        for (ToolSpec tool : request.tools()) {
            total += of(tool.name()) + of(nullToEmpty(tool.description())) + of(nullToEmpty(tool.inputSchema()));
        }
        return total;
    }

    private static long of(ContentBlock block) {
        return switch (block) {
            case ContentBlock.Text t -> of(t.text());
            case ContentBlock.ToolUse u -> of(u.name()) + of(u.input());
            case ContentBlock.ToolResult r -> of(r.text());
            case ContentBlock.Reasoning r -> of(r.text());
            case ContentBlock.Image i -> 85; // OpenAI's flat charge for a low-detail image
            case ContentBlock.CachePoint c -> 0;
        };
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
