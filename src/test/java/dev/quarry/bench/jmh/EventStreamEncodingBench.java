package dev.quarry.bench.jmh;

import dev.quarry.canonical.EventStream;
import dev.quarry.canonical.StreamEvent;
import dev.quarry.surface.bedrock.ConverseStreamEncoder;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;

/**
 * AWS event-stream encoding of the same 200-delta answer by the Bedrock ConverseStream encoder:
 * messageStart, 200 contentBlockDelta, contentBlockStop, messageStop and metadata frames, each
 * with its headers and two CRC32s, into a reused in-memory body. The score is per stream.
 */
public class EventStreamEncodingBench extends Microbenchmark {
    List<StreamEvent> events;
    final Sink sink = new Sink();

    @Setup
    public void setUp() {
        events = Fixtures.textStream(SseEncodingBench.DELTAS);
    }

    @Benchmark
    public int bedrockConverseStream() {
        sink.reset();
        new ConverseStreamEncoder(sink, () -> 412L).write(EventStream.of(events));
        return sink.size();
    }
}
