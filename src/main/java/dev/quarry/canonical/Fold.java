package dev.quarry.canonical;

import java.util.ArrayList;
import java.util.List;

/**
 * Folds a stream into the message it spells out. Non-streaming answers are made this way, so
 * streaming and non-streaming share one code path down to the provider.
 *
 * <p>Usable incrementally ({@link #accept}), so a stream that is being forwarded can be
 * folded at the same time, and in one call ({@link #of}).
 */
public final class Fold {
    private String id = "";
    private String model = "";
    private final List<ContentBlock> blocks = new ArrayList<>();
    private final List<StringBuilder> bodies = new ArrayList<>();
    private final List<String> signatures = new ArrayList<>();
    private StopReason stopReason;
    private Usage usage = Usage.ZERO;

    /** Reads the whole stream, closes it, and returns the folded response. */
    public static ChatResponse of(EventStream stream) {
        try (stream) {
            Fold fold = new Fold();
            while (stream.hasNext()) fold.accept(stream.next());
            return fold.result();
        }
    }

    public void accept(StreamEvent event) {
        switch (event) {
            case StreamEvent.MessageStart s -> {
                id = s.id();
                model = s.model();
            }
            case StreamEvent.BlockStart s -> {
                if (s.index() != blocks.size()) {
                    throw new IllegalStateException("block " + s.index() + " started, expected " + blocks.size());
                }
                blocks.add(s.block());
                bodies.add(new StringBuilder(initialBody(s.block())));
                signatures.add(s.block() instanceof ContentBlock.Reasoning r ? r.signature() : null);
            }
            case StreamEvent.TextDelta d -> body(d.index()).append(d.text());
            case StreamEvent.ToolInputDelta d -> body(d.index()).append(d.fragment());
            case StreamEvent.ReasoningDelta d -> {
                body(d.index()).append(d.text());
                if (d.signature() != null) signatures.set(d.index(), d.signature());
            }
            case StreamEvent.BlockStop s -> body(s.index());
            case StreamEvent.UsageReport u -> usage = u.usage();
            case StreamEvent.MessageStop s -> stopReason = s.reason();
        }
    }

    public ChatResponse result() {
        List<ContentBlock> content = new ArrayList<>(blocks.size());
        for (int i = 0; i < blocks.size(); i++) {
            String body = bodies.get(i).toString();
            content.add(switch (blocks.get(i)) {
                case ContentBlock.Text t -> new ContentBlock.Text(body);
                case ContentBlock.ToolUse u -> new ContentBlock.ToolUse(u.id(), u.name(), body, u.kind());
                case ContentBlock.Reasoning r -> new ContentBlock.Reasoning(body, signatures.get(i));
                case ContentBlock other -> other;
            });
        }
        return new ChatResponse(id, model, content, stopReason == null ? StopReason.END_TURN : stopReason, usage);
    }

    public Usage usage() {
        return usage;
    }

    public boolean stopped() {
        return stopReason != null;
    }

    private static String initialBody(ContentBlock block) {
        return switch (block) {
            case ContentBlock.Text t -> t.text();
            case ContentBlock.ToolUse u -> u.input();
            case ContentBlock.Reasoning r -> r.text();
            default -> "";
        };
    }

    private StringBuilder body(int index) {
        if (index < 0 || index >= bodies.size()) {
            throw new IllegalStateException("event for block " + index + " which was never started");
        }
        return bodies.get(index);
    }
}
