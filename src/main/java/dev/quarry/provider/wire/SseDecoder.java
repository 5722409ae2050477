package dev.quarry.provider.wire;

import dev.quarry.provider.SseReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A {@link FrameDecoder} for upstreams that stream Server-Sent Events (OpenAI, Anthropic, Gemini).
 * An upstream whose whole answer has the shape of one of its stream events (a Chat Completions chunk,
 * Anthropic's {@code message}) can also be asked for the answer at once; its body is then read as a
 * stream of that one event.
 */
public abstract class SseDecoder extends FrameDecoder<SseReader.Event> {
    /** How the body is cut into frames. */
    public enum Framing {
        /** An event stream: one frame per event. */
        EVENTS,
        /** A whole JSON answer: the body is the only frame. */
        WHOLE_BODY;

        /** Events for a call that streams, or when the upstream streamed though asked not to; else the whole body. */
        public static Framing of(boolean askedToStream, boolean eventStream) {
            return askedToStream || eventStream ? EVENTS : WHOLE_BODY;
        }
    }

    private final Framing framing;
    private final Frames frames;

    protected SseDecoder(UpstreamBody upstream) {
        this(upstream, Framing.EVENTS);
    }

    protected SseDecoder(UpstreamBody upstream, Framing framing) {
        super(upstream);
        this.framing = framing;
        this.frames = switch (framing) {
            case EVENTS -> new SseReader(upstream.body())::next;
            case WHOLE_BODY -> new WholeBody(upstream);
        };
    }

    @Override
    protected final SseReader.Event readFrame() throws IOException {
        return frames.next();
    }

    @Override
    protected final String frameName() {
        return framing == Framing.WHOLE_BODY ? "an answer" : super.frameName();
    }

    @FunctionalInterface
    private interface Frames {
        /** The next frame, or {@code null} at the end of the body. */
        SseReader.Event next() throws IOException;
    }

    /** The body, read to its end, as one {@code message} event. */
    private static final class WholeBody implements Frames {
        private final UpstreamBody upstream;
        private boolean read;

        WholeBody(UpstreamBody upstream) {
            this.upstream = upstream;
        }

        @Override
        public SseReader.Event next() throws IOException {
            if (read) return null;
            read = true;
            return new SseReader.Event("message", new String(upstream.body().readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
