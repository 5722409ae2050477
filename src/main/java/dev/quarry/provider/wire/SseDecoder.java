package dev.quarry.provider.wire;

import dev.quarry.provider.SseReader;
import java.io.IOException;

/** A {@link FrameDecoder} for upstreams that stream Server-Sent Events (OpenAI, Anthropic, Gemini). */
public abstract class SseDecoder extends FrameDecoder<SseReader.Event> {
    private final SseReader reader;

    protected SseDecoder(UpstreamBody upstream) {
        super(upstream);
        this.reader = new SseReader(upstream.body());
    }

    @Override
    protected final SseReader.Event readFrame() throws IOException {
        return reader.next();
    }
}
